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

describe('property: random interleavings of edits on both sides converge, and the last edit of each field wins', () => {
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
          const last = new Map<string, Value>();
          for (const a of actions) {
            if (a.kind === 'run') {
              await run();
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
            last.set(`${crmId}:${a.field}`, a.value);
          }
          await run();
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
              const edited = last.get(`${crmId}:${field}`);
              if (edited !== undefined) expect(c.values[field], `${crmId}.${field} keeps its last edit`).toBe(edited);
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
