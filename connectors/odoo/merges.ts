/**
 * Odoo merges partners with `base.partner.merge.automatic.wizard` (Contacts > Action > Merge, or
 * the deduplication tool): the losers are deleted outright and every reference to them is
 * repointed to the survivor. No tombstone is left; the one trace is the chatter message the mail
 * module posts on the survivor, "Merged with the following partners: Name <email> (ID n)"
 * (addons/mail/wizard/base_partner_merge_automatic_wizard.py). That message moves with the
 * survivor if it is merged again later, so it always names the live record. Without the mail
 * module (a bare `base`), merges are not detectable and look like deletes.
 * Only `res.partner` merges; other models answer no merges.
 */
import { anyOf } from './domains.js';
import { z } from 'zod';
import { VendorError } from '../../src/errors.js';
import type { MergeSupport } from '../types.js';
import type { OdooRpc } from './rpc.js';

const PARTNER = 'res.partner';
const WIZARD = 'base.partner.merge.automatic.wizard';
const messagesSchema = z.array(z.looseObject({ res_id: z.number(), body: z.union([z.string(), z.literal(false)]) }));

/** The loser ids a trace message names. */
const idsIn = (body: string): string[] =>
  [...body.matchAll(/\(ID (\d+)\)/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));

export function createMerges(rpc: OdooRpc): MergeSupport {
  let noMail = false;

  async function traces(domain: readonly unknown[]): Promise<z.infer<typeof messagesSchema>> {
    if (noMail) return [];
    try {
      return await rpc.execute(
        {
          model: 'mail.message',
          method: 'search_read',
          // message_post's default type: a person's note in the chatter is a 'comment', never taken for a trace.
          args: [[['model', '=', PARTNER], ['message_type', '=', 'notification'], ...domain]],
          kwargs: { fields: ['res_id', 'body'], order: 'id asc' },
          schema: messagesSchema,
        },
        { readOnly: true },
      );
    } catch (error) {
      if (error instanceof VendorError && /Object mail\.message doesn't exist/.test(error.message)) {
        noMail = true;
        return [];
      }
      throw error;
    }
  }

  return {
    traceFields: [],
    async mergedInto(object, records) {
      const out = new Map<string, string[]>();
      if (object !== PARTNER || records.length === 0) return out;
      const ids = records.map((r) => Number(r.id));
      // Matched by "(ID n)", which Odoo's translations of the message keep; the engine checks the ids are gone.
      for (const message of await traces([
        ['res_id', 'in', ids],
        ['body', 'ilike', '(ID '],
      ])) {
        const losers = typeof message.body === 'string' ? idsIn(message.body) : [];
        const key = String(message.res_id);
        if (losers.length > 0) out.set(key, [...(out.get(key) ?? []), ...losers]);
      }
      return out;
    },
    async survivorsOf(object, ids) {
      const out = new Map<string, string>();
      if (object !== PARTNER || ids.length === 0) return out;
      // "(ID 12)" with its parenthesis: never matches "(ID 123)".
      const domain = anyOf(ids.map((id) => ['body', 'ilike', `(ID ${id})`]));
      for (const message of await traces(domain)) {
        const named = typeof message.body === 'string' ? idsIn(message.body) : [];
        for (const id of ids)
          if (named.includes(id) && String(message.res_id) !== id) out.set(id, String(message.res_id));
      }
      return out;
    },
    async merge(object, survivorId, loserId) {
      if (object !== PARTNER)
        throw new VendorError(`Odoo merges only ${PARTNER}, not ${object}`, {
          connector: 'odoo',
          endpoint: `${WIZARD}.action_merge`,
          retryable: false,
          code: 'MERGE_UNSUPPORTED',
        });
      const wizard = await rpc.execute(
        {
          model: WIZARD,
          method: 'create',
          args: [{ partner_ids: [[6, 0, [Number(survivorId), Number(loserId)]]], dst_partner_id: Number(survivorId) }],
          schema: z.number(),
        },
        { readOnly: false },
      );
      await rpc.execute(
        { model: WIZARD, method: 'action_merge', args: [[wizard]], schema: z.unknown() },
        { readOnly: false },
      );
      return survivorId;
    },
  };
}
