import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { dlqCommand } from '../../../src/cli/commands/dlq.js';
import { writeTestConfig } from '../../helpers/config.js';
import { captureOutput } from '../../helpers/output.js';
import { tempDir } from '../../helpers/tmp.js';

describe('tandem dlq', () => {
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
      operations: [
        {
          sync: 'contacts',
          targetSide: 'erp',
          object: 'res.partner',
          action: 'upsert',
          key: 'key-7',
          sourceId: '7',
          targetId: null,
          ref: { field: 'ref', value: 'HS-7' },
          payload: { name: 'Seven' },
          payloadHash: 'h7',
        },
      ],
      deadLetters: [
        {
          sync: 'contacts',
          side: 'erp',
          stage: 'map',
          recordId: '8',
          payload: { email: ['a', 'b'] },
          error: { code: 'MAPPING_FAILED', message: 'email holds a list' },
        },
      ],
      ambiguous: [],
    });
    const [row] = await store.pendingOperations('contacts', 'erp', 1);
    if (row === undefined) throw new Error('no op');
    await store.recordFailure(
      row,
      {
        code: 'odoo.exceptions.ValidationError',
        // As Odoo sends it: the message, then the server's traceback, over several lines.
        message: 'Invalid email\nTraceback (most recent call last):\n  File "odoo/models.py", line 42, in write\n',
        retryable: false,
      },
      5,
    );
    await store.close();
  });
  afterEach(() => cleanup());

  it('lists both kinds of dead letter with the vendor error kept', async () => {
    const out = captureOutput();
    expect(await dlqCommand('list', undefined, { config, json: true }, out)).toBe(0);
    const { deadLetters } = out.objects[0] as {
      deadLetters: {
        id: number;
        stage: string;
        recordId: string;
        operationKey: string | null;
        error: { code: string };
      }[];
    };
    expect(deadLetters.map((d) => [d.stage, d.recordId, d.operationKey, d.error.code])).toEqual([
      ['map', '8', null, 'MAPPING_FAILED'],
      ['deliver', '7', 'key-7', 'odoo.exceptions.ValidationError'],
    ]);
  });

  it('retry puts the operation back in the outbox with the same idempotency key', async () => {
    const out = captureOutput();
    await dlqCommand('list', undefined, { config, json: true }, out);
    const { deadLetters } = out.objects[0] as { deadLetters: { id: number; stage: string }[] };
    const deliver = deadLetters.find((d) => d.stage === 'deliver');
    const mapping = deadLetters.find((d) => d.stage === 'map');
    expect(await dlqCommand('retry', String(deliver?.id), { config }, out)).toBe(0);

    const store = await StateStore.open(path.join(dir, 'data', 'tandem.sqlite'));
    try {
      const pending = await store.pendingOperations('contacts', 'erp', 10);
      expect(pending.map((r) => [r.idempotency_key, r.attempts])).toEqual([['key-7', 0]]);
      expect((await store.deadLetters()).map((d) => d.stage)).toEqual(['map']);
    } finally {
      await store.close();
    }
    await expect(dlqCommand('retry', String(mapping?.id), { config }, out)).rejects.toThrow(
      /fix the mapping, then run tandem backfill contacts/,
    );
    expect(await dlqCommand('drop', String(mapping?.id), { config }, out)).toBe(0);
    await expect(dlqCommand('show', String(mapping?.id), { config }, out)).rejects.toThrow(/no dead letter/);
  });

  it('says in words which record went where, by its name, and keeps a multi-line vendor message on one line', async () => {
    const out = captureOutput();
    expect(await dlqCommand('list', undefined, { config }, out)).toBe(0);
    expect(out.lines).toHaveLength(2);
    const [mapLine = '', deliverLine = ''] = out.lines;
    // Both letters are writes to the erp of crm records: their ids are crm ids.
    expect(mapLine).toMatch(
      /^#\d+ contacts: crm 8 could not be mapped for the erp: MAPPING_FAILED: email holds a list$/,
    );
    expect(deliverLine).toMatch(
      /^#\d+ contacts: the write of "Seven" \(crm 7\) to the erp was given up on after 1 attempt\(s\): odoo\.exceptions\.ValidationError: Invalid email \| Traceback \(most recent call last\): \| File "odoo\/models\.py", line 42, in write$/,
    );
    expect(out.lines.join('\n')).not.toMatch(/erp record/);

    const id = /^#(\d+)/.exec(deliverLine)?.[1] ?? '';
    const shown = captureOutput();
    expect(await dlqCommand('show', id, { config }, shown)).toBe(0);
    expect(shown.objects).toEqual([]);
    expect(shown.lines).toContain('  payload (what was to be written to the erp):');
    expect(shown.lines).toContain('    name: "Seven"');
    expect(shown.lines.filter((l) => l.includes('Traceback'))).toHaveLength(1);
    const json = captureOutput();
    await dlqCommand('show', id, { config, json: true }, json);
    expect(json.objects[0]).toMatchObject({ side: 'erp', sourceSide: 'crm', crmId: '7', name: 'Seven' });
  });
});
