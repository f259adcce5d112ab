import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { syncSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import { sameValue, type Value } from '../../../src/mapping/values.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { memoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const MAPPING = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
/** Canonical field -> [CRM property, ERP field]: plain text fields both ways, owner `latest`. */
const FIELDS = {
  city: ['city', 'city'],
  zip: ['zip', 'zip'],
  street: ['address', 'street'],
  function: ['jobtitle', 'function'],
} as const;
type Field = keyof typeof FIELDS;

const action = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    side: fc.constantFrom('crm' as const, 'erp' as const),
    record: fc.nat(1),
    field: fc.constantFrom<Field>('city', 'function'),
    value: fc.stringMatching(/^[A-Z][a-z]{1,8}$/),
  }),
  fc.record({ kind: fc.constant('run' as const) }),
);

/**
 * What `owner: latest` promises, with the record-level modification times vendors give: a field
 * edited on one side only takes that edit; a field edited on both sides since the last run takes
 * the value of the side whose record changed last (any field, or our own write to it).
 */
class LatestModel {
  private readonly time = { crm: new Map<string, number>(), erp: new Map<string, number>() };
  private readonly pending = new Map<string, { record: string; crm?: Value; erp?: Value }>();
  readonly agreed = new Map<string, Value>();
  private clock = 0;

  edit(side: 'crm' | 'erp', record: string, field: string, value: Value): void {
    const key = `${record}:${field}`;
    this.pending.set(key, { ...(this.pending.get(key) ?? { record }), [side]: value });
    this.time[side].set(record, ++this.clock);
  }

  run(): void {
    const run = ++this.clock;
    const written: ['crm' | 'erp', string][] = [];
    for (const [key, p] of this.pending) {
      const both = p.crm !== undefined && p.erp !== undefined;
      const crmLater = (this.time.crm.get(p.record) ?? 0) >= (this.time.erp.get(p.record) ?? 0);
      const winner = both ? (crmLater ? 'crm' : 'erp') : p.crm !== undefined ? 'crm' : 'erp';
      const value = (winner === 'crm' ? p.crm : p.erp) ?? null;
      const loser = winner === 'crm' ? 'erp' : 'crm';
      if (p[loser] !== value) written.push([loser, p.record]);
      this.agreed.set(key, value);
    }
    for (const [side, record] of written) this.time[side].set(record, run);
    this.pending.clear();
  }
}

describe('property: random interleavings of edits on both sides converge, and no edit that policy says wins is lost', () => {
  it('holds for random sequences of edits and runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const { dir, cleanup } = tempDir();
        const store = await StateStore.open(path.join(dir, 'state.sqlite'));
        try {
          const clock = { now: Date.UTC(2024, 0, 1) };
          const crm = memoryConnector('crm', { clock });
          const erp = memoryConnector('erp', { clock });
          const config = {
            ...syncSchema.parse({ mapping: MAPPING, crm: 'crm', erp: 'erp', lookbackSeconds: 0 }),
            name: 'contacts',
            mappingFile: MAPPING,
          };
          const sync: SyncDefinition = { name: 'contacts', config, mapping: loadMapping(MAPPING), crm, erp };
          const run = () =>
            runSync(
              { sync, store, logger: silentLogger(), signal: new AbortController().signal },
              { kind: 'incremental' },
            );
          for (let i = 1; i <= 3; i++)
            crm.put(String(i), { firstname: 'P', lastname: String(i), email: `p${i}@example.com`, city: 'Start' });
          await run();
          const links = await store.links('contacts', ['1', '2', '3']);
          const model = new LatestModel();
          for (const a of actions) {
            if (a.kind === 'run') {
              await run();
              model.run();
              continue;
            }
            const crmId = String(a.record + 1);
            const erpId = links.get(crmId)?.erp_id ?? '';
            const [crmProp, erpField] = FIELDS[a.field];
            const target = a.side === 'crm' ? crm : erp;
            const id = a.side === 'crm' ? crmId : erpId;
            const current = target.records.get(id);
            if (current === undefined) throw new Error(`no ${a.side} record ${id}`);
            target.put(id, { ...current.fields, [a.side === 'crm' ? crmProp : erpField]: a.value });
            model.edit(a.side, crmId, a.field, a.value);
          }
          await run();
          model.run();
          await run();
          expect((await run()).written).toEqual({ crm: 0, erp: 0 });
          for (const crmId of ['1', '2', '3']) {
            const c = sync.mapping.canonical(
              'crm',
              crm.records.get(crmId) ?? { id: '', modifiedAt: '', deleted: true, fields: {} },
            );
            const e = sync.mapping.canonical(
              'erp',
              erp.records.get(links.get(crmId)?.erp_id ?? '') ?? { id: '', modifiedAt: '', deleted: true, fields: {} },
            );
            if (!c.ok || !e.ok) throw new Error('unmappable record');
            for (const field of Object.keys(FIELDS) as Field[]) {
              expect(sameValue(c.values[field] ?? null, e.values[field] ?? null), `${crmId}.${field} agrees`).toBe(
                true,
              );
              const expected = model.agreed.get(`${crmId}:${field}`);
              if (expected !== undefined)
                expect(c.values[field], `${crmId}.${field} holds the winning edit`).toBe(expected);
            }
          }
        } finally {
          await store.close();
          cleanup();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
