/**
 * The read-only virtual fields of a deal, fetched per page only when a read or lookup names them:
 *
 * - `associations.company`: the deal's primary company (v4 association type 5, "Primary"), else
 *   the lowest-id associated company; null when none.
 * - `associations.contact`: the lowest-id associated contact; null when none.
 * - `line_items`: the associated line items sorted by id, each
 *   `{ id, hs_sku, quantity, price, discount, hs_discount_percentage, name, hs_product_id }`
 *   (HubSpot's strings as read; `discount` is an amount per unit, `hs_discount_percentage` a percent).
 *
 * On a record they are nested as mapping paths read them: `fields.associations.company`, and
 * `fields.line_items`. A read may name `associations` (both), `associations.company`,
 * `associations.contact` or `line_items`. Requests per page (at most 200 deals): one v4
 * `POST /crm/v4/associations/deals/{to}/batch/read` per association type named (1,000 inputs a
 * request), then one `POST /crm/v3/objects/line_items/batch/read` per 100 line items; none when
 * no virtual field is named, no line-item read when the page's deals have none. A deal with more
 * than 500 associations of one type costs one more association read per 500.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/guide
 */
import { z } from 'zod';
import { VendorError } from '../../src/errors.js';
import type { FieldDescription, SourceRecord } from '../types.js';
import type { HubspotClient } from './client.js';
import { MAX_BATCH_INPUTS } from './objects.js';
import { batchResponseSchema } from './schemas.js';

/** The virtual field names of deals, as describe() lists them. */
export const DEAL_VIRTUAL_FIELDS = ['associations', 'associations.company', 'associations.contact', 'line_items'];

/** The line item properties each `line_items` entry carries. */
export const LINE_ITEM_PROPERTIES = [
  'hs_sku',
  'quantity',
  'price',
  'discount',
  'hs_discount_percentage',
  'name',
  'hs_product_id',
] as const;

export type LineItem = { readonly id: string } & {
  readonly [K in (typeof LINE_ITEM_PROPERTIES)[number]]: string | null;
};

/** HubSpot's default type id of a deal's primary company (deal -> company, labelled "Primary"). */
const PRIMARY_COMPANY_TYPE = 5;
/** Inputs per v4 association batch read (the endpoint's documented maximum). */
const ASSOCIATION_READ_INPUTS = 1000;

interface Wanted {
  readonly company: boolean;
  readonly contact: boolean;
  readonly lineItems: boolean;
}

/** True for a name that is one of a deal's virtual fields (never a HubSpot property). */
export function isVirtualField(object: string, name: string): boolean {
  return object === 'deals' && (name === 'line_items' || name === 'associations' || name.startsWith('associations.'));
}

/** Splits requested fields into HubSpot properties and the virtual fields wanted. */
export function splitFields(
  object: string,
  fields: readonly string[],
): { properties: string[]; wanted: Wanted | null } {
  const properties = fields.filter((f) => !isVirtualField(object, f));
  const has = (name: string): boolean => fields.includes(name);
  const wanted: Wanted = {
    company: has('associations') || has('associations.company'),
    contact: has('associations') || has('associations.contact'),
    lineItems: has('line_items'),
  };
  return { properties, wanted: wanted.company || wanted.contact || wanted.lineItems ? wanted : null };
}

/** The virtual fields as describe() lists them: read-only, so a mapping never writes them. */
export function virtualFieldDescriptions(object: string): FieldDescription[] {
  if (object !== 'deals') return [];
  return [
    { name: 'associations', label: 'Associations (company, contact)', type: 'other', readOnly: true },
    { name: 'associations.company', label: 'Primary company ID', type: 'reference', readOnly: true },
    { name: 'associations.contact', label: 'First associated contact ID', type: 'reference', readOnly: true },
    { name: 'line_items', label: 'Line items', type: 'other', readOnly: true },
  ];
}

const associationReadSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      from: z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) }),
      to: z.array(
        z.looseObject({
          toObjectId: z.union([z.string(), z.number()]).transform(String),
          associationTypes: z.array(z.looseObject({ typeId: z.number() })).default([]),
        }),
      ),
      paging: z.looseObject({ next: z.looseObject({ after: z.string() }).optional() }).optional(),
    }),
  ),
  errors: z
    .array(z.looseObject({ category: z.string(), subCategory: z.string().optional(), message: z.string() }))
    .optional(),
});

interface Target {
  readonly id: string;
  readonly typeIds: readonly number[];
}

const byId = (a: string, b: string): number => Number(a) - Number(b) || a.localeCompare(b);

/**
 * Each deal's associated records of type `to`, following a deal's `paging.next.after` past 500.
 * A deal without any comes back in `errors` (NO_ASSOCIATIONS_FOUND, category OBJECT_NOT_FOUND):
 * an empty list. Any other per-input error fails the page: a missing list would read as "no line
 * items" and remove every line of the order downstream.
 */
async function associated(
  client: HubspotClient,
  to: 'companies' | 'contacts' | 'line_items',
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Target[]>> {
  const out = new Map<string, Target[]>(ids.map((id) => [id, []]));
  const path = `/crm/v4/associations/deals/${to}/batch/read`;
  let inputs: { id: string; after?: string }[] = ids.map((id) => ({ id }));
  while (inputs.length > 0) {
    const next: { id: string; after: string }[] = [];
    for (let i = 0; i < inputs.length; i += ASSOCIATION_READ_INPUTS) {
      const { body } = await client.call(
        {
          method: 'POST',
          path,
          json: { inputs: inputs.slice(i, i + ASSOCIATION_READ_INPUTS) },
          ok: [200, 207],
          idempotent: true,
          ...(signal === undefined ? {} : { signal }),
        },
        associationReadSchema,
      );
      const failed = (body.errors ?? []).find((e) => e.category !== 'OBJECT_NOT_FOUND');
      if (failed !== undefined)
        throw new VendorError(
          `${client.name}: POST ${path} failed for some deals: ${failed.category}: ${failed.message}`,
          {
            connector: client.name,
            endpoint: `POST ${path}`,
            status: 207,
            retryable: failed.category === 'RATE_LIMITS' || failed.category === 'INTERNAL_ERROR',
            code: failed.category,
          },
        );
      for (const result of body.results) {
        const list = out.get(result.from.id);
        if (list === undefined) continue;
        for (const t of result.to) list.push({ id: t.toObjectId, typeIds: t.associationTypes.map((a) => a.typeId) });
        const after = result.paging?.next?.after;
        if (after !== undefined) next.push({ id: result.from.id, after });
      }
    }
    inputs = next;
  }
  for (const list of out.values()) list.sort((a, b) => byId(a.id, b.id));
  return out;
}

/** The line items by id, read 100 a request; one deleted since its association was read is left out. */
async function readLineItems(
  client: HubspotClient,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, LineItem>> {
  const out = new Map<string, LineItem>();
  const path = '/crm/v3/objects/line_items/batch/read';
  for (let i = 0; i < ids.length; i += MAX_BATCH_INPUTS) {
    const { body } = await client.call(
      {
        method: 'POST',
        path,
        json: {
          inputs: ids.slice(i, i + MAX_BATCH_INPUTS).map((id) => ({ id })),
          properties: [...LINE_ITEM_PROPERTIES],
          propertiesWithHistory: [],
        },
        ok: [200, 207],
        idempotent: true,
        ...(signal === undefined ? {} : { signal }),
      },
      batchResponseSchema,
    );
    for (const o of body.results) {
      const p = o.properties;
      out.set(o.id, {
        id: o.id,
        hs_sku: p['hs_sku'] ?? null,
        quantity: p['quantity'] ?? null,
        price: p['price'] ?? null,
        discount: p['discount'] ?? null,
        hs_discount_percentage: p['hs_discount_percentage'] ?? null,
        name: p['name'] ?? null,
        hs_product_id: p['hs_product_id'] ?? null,
      });
    }
  }
  return out;
}

/** The primary company when there is one, else the lowest id; null when none. */
function primaryCompany(targets: readonly Target[]): string | null {
  return (targets.find((t) => t.typeIds.includes(PRIMARY_COMPANY_TYPE)) ?? targets[0])?.id ?? null;
}

/** The records with the wanted virtual fields added; tombstones pass unchanged. */
export async function withDealFields(
  client: HubspotClient,
  records: readonly SourceRecord[],
  wanted: Wanted,
  signal?: AbortSignal,
): Promise<SourceRecord[]> {
  const ids = records.filter((r) => !r.deleted).map((r) => r.id);
  if (ids.length === 0) return [...records];
  const companies = wanted.company ? await associated(client, 'companies', ids, signal) : undefined;
  const contacts = wanted.contact ? await associated(client, 'contacts', ids, signal) : undefined;
  const lines = wanted.lineItems ? await associated(client, 'line_items', ids, signal) : undefined;
  const items =
    lines === undefined
      ? new Map<string, LineItem>()
      : await readLineItems(client, [...new Set([...lines.values()].flat().map((t) => t.id))], signal);
  return records.map((record) => {
    if (record.deleted) return record;
    const extra: Record<string, unknown> = {};
    if (companies !== undefined || contacts !== undefined) {
      const associations: Record<string, string | null> = {};
      if (companies !== undefined) associations['company'] = primaryCompany(companies.get(record.id) ?? []);
      if (contacts !== undefined) associations['contact'] = contacts.get(record.id)?.[0]?.id ?? null;
      extra['associations'] = Object.freeze(associations);
    }
    if (lines !== undefined)
      extra['line_items'] = Object.freeze(
        (lines.get(record.id) ?? []).flatMap((t) => {
          const item = items.get(t.id);
          return item === undefined ? [] : [Object.freeze(item)];
        }),
      );
    return Object.freeze({ ...record, fields: Object.freeze({ ...record.fields, ...extra }) });
  });
}
