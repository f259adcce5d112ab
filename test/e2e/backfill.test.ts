import { describe, expect, it } from 'vitest';
import type { Cursor } from '../../connectors/types.js';
import { openApp } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { compareCursor } from '../../connectors/cursor.js';
import { StateStore, type Backfill } from '../../state/index.js';
import { spawnTandem, tandem } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';

const CONTACTS = 1500;
const PAGE = 40;

/** The state file as the CLI leaves it: the latest backfill of contacts and the CRM checkpoint. */
async function readState(file: string): Promise<{ backfill: Backfill | undefined; checkpoint: Cursor | null }> {
  const store = await StateStore.open(file);
  try {
    return {
      backfill: await store.backfills.latest('contacts'),
      checkpoint: await store.checkpoint('contacts', 'crm'),
    };
  } finally {
    await store.close();
  }
}

const crmPages = (line: Record<string, unknown>): boolean =>
  line['msg'] === 'page committed' && line['sync'] === 'contacts' && line['side'] === 'crm';

describe('tandem backfill: stopped by SIGINT, killed by SIGKILL, resumed each time from where it was', () => {
  it('resumes from its own cursor (not from the start) and ends with everything synced', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({
        dir,
        contacts: CONTACTS,
        companies: 60,
        pageSize: PAGE,
        logLevel: 'debug',
        faults: { latencyMs: 3 },
      });
      const app = await openApp(config, { logger: silentLogger() });
      const stateFile = app.store.location;
      await app.close();

      // 1. Ctrl-C after a few pages: the page in hand is finished, the backfill is interrupted.
      const first = spawnTandem(['backfill', 'contacts', '--config', config]);
      await first.waitFor((line) => typeof line['msg'] === 'string' && line['msg'].startsWith('contacts backfill #1'));
      let pages = 0;
      await first.waitFor((line) => crmPages(line) && ++pages >= 5, 120_000);
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
      expect(first.lines.some((l) => /^contacts: backfill run interrupted/.test(String(l['msg'])))).toBe(true);
      const afterInt = await readState(stateFile);
      expect(afterInt.backfill).toMatchObject({ id: 1, state: 'interrupted', resumes: 0 });
      const cursor1 = afterInt.backfill?.sides.crm.cursor as Cursor;
      const pulled1 = afterInt.backfill?.sides.crm.pulled ?? 0;
      expect(cursor1).not.toBeNull();
      // HubSpot pages hold back their last timestamp, so a page carries up to PAGE records.
      expect(pulled1).toBeGreaterThanOrEqual(100);
      expect(pulled1).toBeLessThan(CONTACTS);
      // The progress went to stderr as plain lines (not a terminal), with the counted total.
      expect(first.lines.some((l) => String(l['msg']).startsWith(`contacts backfill #1 running: 0/`))).toBe(true);

      // 2. Again: it says it resumes, from that cursor; killed (SIGKILL) a few pages later.
      const second = spawnTandem(['backfill', 'contacts', '--config', config]);
      const resumed = await second.waitFor((line) =>
        String(line['msg']).startsWith('resuming backfill #1 of contacts'),
      );
      expect(String(resumed['msg'])).toContain(`crm from ${cursor1.modifiedAt}`);
      expect(String(resumed['msg'])).toContain(`(${pulled1} pulled)`);
      let more = 0;
      await second.waitFor((line) => crmPages(line) && ++more >= 3, 120_000);
      second.child.kill('SIGKILL');
      expect(await second.exited).toBeNull();
      const afterKill = await readState(stateFile);
      // Opened again after the crash: the backfill left `running` is interrupted, still #1, further on.
      expect(afterKill.backfill).toMatchObject({ id: 1, state: 'interrupted', resumes: 1 });
      const cursor2 = afterKill.backfill?.sides.crm.cursor as Cursor;
      const pulled2 = afterKill.backfill?.sides.crm.pulled ?? 0;
      expect(compareCursor(cursor2, cursor1)).toBeGreaterThan(0);
      expect(pulled2).toBeGreaterThan(pulled1);

      // 3. To the end, with --json: one JSON object on stdout, the resume on stderr.
      const third = await tandem(['backfill', 'contacts', '--config', config, '--json']);
      expect(third.code).toBe(0);
      expect(third.stderr).toContain('resuming backfill #1 of contacts');
      const stats = JSON.parse(third.stdout) as {
        status: string;
        pulled: { crm: number; erp: number };
        backfill: {
          id: number;
          resumed: boolean;
          state: string;
          resumedFrom: { crm: Cursor };
          pulled: { crm: number };
        };
      };
      expect(stats.status).toBe('succeeded');
      expect(stats.backfill).toMatchObject({ id: 1, resumed: true, state: 'done', resumedFrom: { crm: cursor2 } });
      // Not re-read from the start: this run read only what was left after the killed run's cursor
      // (plus the page in hand when it was killed and the records at the cursor's time, read again).
      expect(stats.pulled.crm).toBeLessThanOrEqual(CONTACTS - pulled2 + 2 * PAGE);
      expect(stats.pulled.crm).toBeGreaterThan(0);
      expect(stats.backfill.pulled.crm).toBe(pulled2 + stats.pulled.crm);
      expect(stats.backfill.pulled.crm).toBeGreaterThanOrEqual(CONTACTS);

      const done = await readState(stateFile);
      expect(done.backfill).toMatchObject({ id: 1, state: 'done', resumes: 2, sides: { crm: { done: true } } });
      // The incremental checkpoint never moved backwards across the three runs.
      expect(compareCursor(done.checkpoint as Cursor, afterKill.checkpoint as Cursor)).toBeGreaterThanOrEqual(0);
      expect(compareCursor(afterKill.checkpoint as Cursor, afterInt.checkpoint as Cursor)).toBeGreaterThanOrEqual(0);

      // Everything is synced: every CRM contact in the ERP once, with its values; nothing left over.
      const check = await openApp(config, { logger: silentLogger() });
      try {
        const result = await verifyContacts(check);
        expect(result.expected).toBeGreaterThan(CONTACTS * 0.8);
        expect(result.missing).toEqual([]);
        expect(result.duplicated).toEqual([]);
        expect(result.duplicatedByEmail).toEqual([]);
        expect(result.mismatched).toEqual([]);
        expect(await check.store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0 });
      } finally {
        await check.close();
      }

      // A finished backfill is not resumed: the next one is new.
      const next = await tandem(['backfill', 'contacts', '--config', config, '--json', '--since', '2999-01-01']);
      expect(next.code).toBe(0);
      expect(next.stderr).not.toContain('resuming');
      expect(JSON.parse(next.stdout)).toMatchObject({ backfill: { id: 2, resumed: false, state: 'done' } });
    } finally {
      cleanup();
    }
  }, 300_000);
});
