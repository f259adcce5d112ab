/**
 * The Odoo sandbox's transactions: `write_date` is stamped when a write's transaction starts, with
 * microseconds, shown to the second; the row is visible only once the transaction commits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';

const rowsSchema = z.array(
  z.object({ id: z.number(), city: z.union([z.string(), z.literal(false)]), write_date: z.string() }),
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Odoo sandbox: transaction-start stamps and commit delays', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
    await removeDir(sandbox.dir);
  });

  const write = (id: number, city: string, context: Record<string, number> = {}) =>
    sandbox
      .rpc()
      .execute(
        { model: 'res.partner', method: 'write', args: [[id], { city }], kwargs: { context }, schema: z.literal(true) },
        { readOnly: false },
      );
  const read = (ids: number[]) =>
    sandbox.rpc().execute(
      {
        model: 'res.partner',
        method: 'search_read',
        args: [[['id', 'in', ids]]],
        kwargs: { fields: ['city', 'write_date'], order: 'id asc', context: { active_test: false } },
        schema: rowsSchema,
      },
      { readOnly: true },
    );

  it('a long transaction is stamped at its start and seen only after it commits, after a later short one', async () => {
    const started = Date.now();
    const long = write(1, 'Long Transaction', { sandbox_commit_delay_ms: 1500 });
    await sleep(1100);
    await write(2, 'Short Transaction');
    const [before1, before2] = await read([1, 2]);
    expect(before1?.city).not.toBe('Long Transaction');
    expect(before2?.city).toBe('Short Transaction');
    await long;
    const [after1, after2] = await read([1, 2]);
    expect(after1?.city).toBe('Long Transaction');
    // Shown to the second, and dated when the transaction started: before the short one.
    expect(after1?.write_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Date.parse(`${after1?.write_date ?? ''}Z`)).toBeLessThanOrEqual(started);
    expect((after1?.write_date ?? '') < (after2?.write_date ?? '')).toBe(true);
  });

  it('keeps microseconds: `=` on the shown second matches no written row', async () => {
    await write(3, 'First');
    await write(4, 'Second');
    const rows = await read([3, 4]);
    const second = rows[0]?.write_date ?? '';
    const exact = await sandbox.rpc().execute(
      {
        model: 'res.partner',
        method: 'search_count',
        args: [
          [
            ['id', 'in', [3, 4]],
            ['write_date', '=', second],
          ],
        ],
        schema: z.number(),
      },
      { readOnly: true },
    );
    // PostgreSQL compares the stored microseconds with a whole second: no match (see connectors/odoo/reader.ts).
    expect(exact).toBe(0);
  });

  it('stamps a write ahead of the server clock by the clock offset', async () => {
    await write(5, 'Ahead', { sandbox_clock_offset_ms: 2 * 3600_000 });
    const [row] = await read([5]);
    expect(Date.parse(`${row?.write_date ?? ''}Z`)).toBeGreaterThan(Date.now() + 3600_000);
  });
});
