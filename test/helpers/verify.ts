/**
 * The check crash, chaos and end-to-end runs end with: both sides read in full through the
 * connectors, and the sync's promise checked on **both** sides — no record of either side without
 * its counterpart, no record doubled on either side (by reference or by match key), and every
 * mapped field of every linked pair equal. A linked counterpart that fails to map is a mismatch
 * (`(unmapped)`, with the reason), never skipped.
 */
import type { App } from '../../src/app.js';
import type { SourceRecord } from '../../connectors/types.js';
import type { CanonicalResult } from '../../src/mapping/types.js';
import type { SyncDefinition } from '../../src/pipeline/context.js';
import { PrefetchingResolver } from '../../src/pipeline/resolver.js';
import { sameValue, type Value } from '../../src/mapping/values.js';
import { dbOf } from './store-db.js';

type Side = 'crm' | 'erp';

export interface Verification {
  /** Records (of both sides with `bothWays`) that must have a counterpart: in the filter, not ambiguous. */
  readonly expected: number;
  /** Records with no live linked counterpart: `crm:<id>`, `erp:<id>`. */
  readonly missing: string[];
  /** Live records sharing one reference value, on either side: `erp:code=HS-1`, `crm:tandem_ref=TRYTON-7`. */
  readonly duplicated: string[];
  /** Live records sharing one match-key value (email, ...), on either side: `crm:email=a@b.example`. */
  readonly duplicatedByEmail: string[];
  /** Linked pairs that differ on a mapped field, or whose one side fails to map (`(unmapped)`). */
  readonly mismatched: { id: string; field: string; crm: unknown; erp: unknown }[];
  readonly ambiguous: string[];
}

async function readAll(sync: SyncDefinition, side: Side): Promise<SourceRecord[]> {
  const object = side === 'crm' ? sync.mapping.crmObject : sync.mapping.erpObject;
  const fields = side === 'crm' ? sync.mapping.crmFields : sync.mapping.erpFields;
  const out: SourceRecord[] = [];
  for await (const page of sync[side].reader.readChanges(object, { cursor: null, fields })) out.push(...page.records);
  return out;
}

/** `side:field=value` for every value that more than one of `records` has (`normalize` makes it comparable). */
function doubles(
  side: Side,
  field: string,
  records: readonly SourceRecord[],
  normalize: (value: unknown) => string | null,
): string[] {
  const seen = new Map<string, number>();
  for (const r of records) {
    const key = normalize(r.fields[field]);
    if (key !== null && key !== '') seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => `${side}:${field}=${key}`);
}

const asText = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const reason = (result: CanonicalResult): string => (result.ok ? 'mapped' : `${result.code}: ${result.reason}`);

/**
 * Reads both sides through the connectors and checks the sync's promise: every live record inside
 * its side's filter is linked to exactly one live counterpart whose canonical values are equal.
 * `bothWays`: ERP records must have a CRM counterpart too (a two-way sync).
 */
export async function verifySync(
  app: App,
  syncName: string,
  options: { bothWays?: boolean } = {},
): Promise<Verification> {
  const sync = app.syncs[syncName];
  if (sync === undefined) throw new Error(`no ${syncName} sync`);
  const matches = await app.store.ambiguousMatches(syncName);
  // Records in an ambiguous match (either side) or waiting for a referenced record are not missing.
  const ambiguous = new Set(matches.map((a) => a.recordId));
  const waiting = await dbOf(app.store)
    .selectFrom('waiting')
    .select(['side', 'record_id'])
    .where('sync', '=', syncName)
    .execute();
  for (const w of waiting) ambiguous.add(w.record_id);
  const excluded = new Set([...ambiguous, ...matches.flatMap((a) => a.candidates)]);
  const records = { crm: await readAll(sync, 'crm'), erp: await readAll(sync, 'erp') };
  const live = { crm: records.crm.filter((r) => !r.deleted), erp: records.erp.filter((r) => !r.deleted) };
  const byId = { crm: new Map(live.crm.map((r) => [r.id, r])), erp: new Map(live.erp.map((r) => [r.id, r])) };
  const links = await dbOf(app.store)
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', syncName)
    .execute();
  const counterpartOf = {
    crm: new Map(links.map((l) => [l.crm_id, l.erp_id])),
    erp: new Map(links.map((l) => [l.erp_id, l.crm_id])),
  };
  const resolver = new PrefetchingResolver(app.store, { crm: sync.crm, erp: sync.erp });
  const canonical = (side: Side, r: SourceRecord): CanonicalResult => sync.mapping.canonical(side, r, resolver);
  await resolver.prefetch(() => [
    ...live.crm.map((r) => canonical('crm', r)),
    ...live.erp.map((r) => canonical('erp', r)),
  ]);
  const inSync = (side: Side, r: SourceRecord): boolean => canonical(side, r).ok && !excluded.has(r.id);

  const duplicated = [
    ...doubles('erp', sync.mapping.reference.field, live.erp, asText),
    ...(sync.mapping.crmReference === undefined
      ? []
      : doubles('crm', sync.mapping.crmReference.field, live.crm, asText)),
  ];
  const duplicatedByEmail = sync.mapping.matchKeys.flatMap((key) => [
    ...doubles(
      'crm',
      key.crm,
      live.crm.filter((r) => inSync('crm', r)),
      (v) => key.normalize(v),
    ),
    ...doubles(
      'erp',
      key.erp,
      live.erp.filter((r) => inSync('erp', r)),
      (v) => key.normalize(v),
    ),
  ]);

  let expected = 0;
  const missing: string[] = [];
  for (const side of options.bothWays === true ? (['crm', 'erp'] as const) : (['crm'] as const)) {
    const them = side === 'crm' ? 'erp' : 'crm';
    for (const record of live[side]) {
      if (!inSync(side, record)) continue;
      expected++;
      if (!byId[them].has(counterpartOf[side].get(record.id) ?? '')) missing.push(`${side}:${record.id}`);
    }
  }

  const mismatched: Verification['mismatched'] = [];
  for (const link of links) {
    const crm = byId.crm.get(link.crm_id);
    const erp = byId.erp.get(link.erp_id);
    if (crm === undefined || erp === undefined) continue; // archived or gone: `missing` tells if it should not be
    const mine = canonical('crm', crm);
    const theirs = canonical('erp', erp);
    if (!mine.ok && !theirs.ok && mine.code === 'FILTERED' && theirs.code === 'FILTERED') continue;
    if (!mine.ok || !theirs.ok) {
      mismatched.push({ id: crm.id, field: '(unmapped)', crm: reason(mine), erp: reason(theirs) });
      continue;
    }
    for (const field of sync.mapping.fields) {
      const a = mine.values[field.name];
      const b = theirs.values[field.name];
      if (a === undefined && b === undefined) continue;
      if (a === undefined || b === undefined || !sameValue(a as Value, b as Value))
        mismatched.push({ id: crm.id, field: field.name, crm: a ?? '(absent)', erp: b ?? '(absent)' });
    }
  }
  return { expected, missing, duplicated, duplicatedByEmail, mismatched, ambiguous: [...ambiguous] };
}

/** The contacts sync, both ways. */
export function verifyContacts(app: App): Promise<Verification> {
  return verifySync(app, 'contacts', { bothWays: true });
}
