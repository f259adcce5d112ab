import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { conflictsCommand } from '../../../src/cli/commands/conflicts.js';
import { conflictSummary } from '../../../src/cli/commands/conflict-text.js';
import { writeTestConfig } from '../../helpers/config.js';
import { captureOutput } from '../../helpers/output.js';
import { tempDir } from '../../helpers/tmp.js';

describe('tandem conflicts list and show', () => {
  let dir: string;
  let cleanup: () => void;
  let config: string;

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    config = writeTestConfig({ dir });
    const store = await StateStore.open(path.join(dir, 'data', 'tandem.sqlite'));
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [],
      links: [{ sync: 'contacts', crmId: '101', erpId: '55', base: { name: 'Ada Lovelace', phone: null } }],
      conflicts: [
        {
          sync: 'contacts',
          crmId: '101',
          erpId: '55',
          field: 'phone',
          kind: 'field',
          crmValue: '+44 20 7946 0000',
          erpValue: null,
          baseValue: '+44 20 7946 0999',
        },
      ],
    });
    await store.close();
  });
  afterEach(() => cleanup());

  it('say the record by its name, and the values in words, (empty) for nothing', async () => {
    const list = captureOutput();
    expect(await conflictsCommand('list', undefined, { config }, list)).toBe(0);
    expect(list.lines).toEqual([
      '#1 contacts "Ada Lovelace" (crm 101, erp 55) phone: crm "+44 20 7946 0000", erp (empty) (base "+44 20 7946 0999")',
    ]);
    const show = captureOutput();
    expect(await conflictsCommand('show', '1', { config }, show)).toBe(0);
    expect(show.objects).toEqual([]);
    expect(show.lines.slice(1)).toEqual([
      '  record: "Ada Lovelace" (crm 101, erp 55)',
      '  what:   both sides changed phone since the last sync',
      '  field:  phone',
      '    crm:  "+44 20 7946 0000"',
      '    erp:  (empty)',
      '    base: "+44 20 7946 0999" (what both sides last agreed on)',
      '  resolve: tandem conflicts resolve 1 --take crm | --take erp | --value V',
    ]);
    const json = captureOutput();
    await conflictsCommand('show', '1', { config, json: true }, json);
    expect(json.objects[0]).toMatchObject({ id: 1, name: 'Ada Lovelace', crm: '+44 20 7946 0000', erp: null });
  });
});

describe('the words of the document-policy conflicts', () => {
  const row = (kind: string, field: string): Parameters<typeof conflictSummary>[0] => ({
    id: 1,
    sync: 'deals',
    crm_id: '7',
    erp_id: '3',
    field,
    kind,
    crm_value: '"[]"',
    erp_value: '"[]"',
    base_value: '"[]"',
    status: 'open',
    created_at: '2026-12-02T00:00:00.000Z',
    updated_at: '2026-12-02T00:00:00.000Z',
    resolution: null,
  });

  it('says a locked order and a deal that left in words, not as a both-sides edit', () => {
    expect(conflictSummary(row('locked', 'order_line'))).toBe(
      'the crm changed order_line, but the erp record is locked (e.g. a confirmed order): not written without a person',
    );
    expect(conflictSummary(row('leave', '(leave)'))).toMatch(/^the crm record left .*onLeave/);
    expect(conflictSummary({ ...row('delete', '(record)'), crm_value: '"deleted"', erp_value: '"locked"' })).toBe(
      "the crm record was deleted; the erp record is locked (the mapping's `locked`, e.g. a confirmed order), so it is not archived without a person",
    );
  });
});
