/**
 * SIGHUP through the daemon's own handler (`process.emit('SIGHUP')` to a daemon in this process),
 * one test per key the reload claims to apply: each is read where it takes effect — the log
 * lines, the scheduler, webhooks, `/readyz`, the drift report, the control API's token and the
 * webhook verifier.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listReports } from '../../../state/reports.js';
import { tandemSignatureHeader } from '../../../src/webhooks/tandem-hmac.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { dbOf } from '../../helpers/store-db.js';

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

const start = async (...args: Parameters<typeof startTestDaemon>): Promise<TestDaemon> => {
  daemon = await startTestDaemon(...args);
  return daemon;
};

let bodies = 0;
/** POSTs a signed event to /webhooks/erp; each body is new, so the replay memory never refuses it. */
async function hook(d: TestDaemon, secret: string, ageSeconds = 0): Promise<{ status: number; syncs?: unknown }> {
  const body = JSON.stringify({ event: 'partner.updated', n: (bodies += 1) });
  const response = await fetch(`${d.url}/webhooks/erp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-tandem-signature': tandemSignatureHeader(secret, body, Math.floor(Date.now() / 1000) - ageSeconds),
    },
    body,
  });
  const json = (await response.json()) as { syncs?: unknown };
  return { status: response.status, syncs: json.syncs };
}

const api = async (d: TestDaemon, token: string): Promise<number> =>
  (await fetch(`${d.url}/api/syncs`, { headers: { authorization: `Bearer ${token}` } })).status;

/** The sync as `GET /api/syncs` lists it. */
async function listed(d: TestDaemon): Promise<unknown> {
  const response = await fetch(`${d.url}/api/syncs`, { headers: { authorization: 'Bearer first-token' } });
  return ((await response.json()) as { syncs: unknown[] }).syncs[0];
}

const runs = async (d: TestDaemon): Promise<number> => (await d.app.store.lastRun('contacts'))?.id ?? 0;

describe('SIGHUP applies each reloadable key where it is read', () => {
  it('log.level: the daemon and the server write at the reloaded level', async () => {
    const d = await start({});
    const heard = (): number => d.lines.filter((l) => l['msg'] === 'webhook verified; targeted run requested').length;
    expect((await hook(d, 'first-hook-secret')).status).toBe(202);
    expect(heard()).toBe(1);

    const before = d.lines.length;
    await d.reload({ logLevel: 'warn' });
    expect(d.app.logger.level).toBe('warn');
    expect((await hook(d, 'first-hook-secret')).status).toBe(202);
    // The server's info line, and the daemon's own "reloaded" line, are below `warn` now.
    expect(heard()).toBe(1);
    expect(d.lines.slice(before).filter((l) => Number(l['level']) < 40)).toEqual([]);
  });

  it("schedule: a sync's new cron replaces the old one", async () => {
    const d = await start({});
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await runs(d)).toBe(0);
    await d.reload({ schedule: '* * * * * *' });
    await d.waitFor('a run on the new schedule', async () => (await runs(d)) > 0, 10_000);
    expect(await listed(d)).toMatchObject({ sync: 'contacts', schedule: '* * * * * *' });
  });

  it('enabled: false stops the schedule, the drift scans, and webhooks no longer run the sync', async () => {
    const d = await start({ schedule: '* * * * * *', driftSchedule: '* * * * * *' });
    const reports = async (): Promise<number> => (await listReports(dbOf(d.app.store), 'contacts')).length;
    expect((await hook(d, 'first-hook-secret')).syncs).toEqual(['contacts']);
    await d.waitFor('a scheduled run', async () => (await runs(d)) > 1, 10_000);

    await d.reload({ schedule: '* * * * * *', driftSchedule: '* * * * * *', enabled: false });
    expect(await hook(d, 'first-hook-secret')).toEqual({ status: 202, syncs: [] });
    expect(await listed(d)).toMatchObject({ sync: 'contacts', enabled: false });
    // A run the old schedule started just before the reload may still finish.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const settled = [await runs(d), await reports()];
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect([await runs(d), await reports()]).toEqual(settled);
  });

  it('enabled: true schedules a sync that was off at start (its lease taken at its first run)', async () => {
    const d = await start({ schedule: '* * * * * *', enabled: false });
    expect((await hook(d, 'first-hook-secret')).syncs).toEqual([]);
    await d.reload({ schedule: '* * * * * *' });
    await d.waitFor(
      'a scheduled run',
      async () => (await d.app.store.lastRun('contacts'))?.status === 'succeeded',
      10_000,
    );
  });

  it('staleAfterMs: /readyz and the drift report judge staleness by the reloaded limit', async () => {
    const d = await start({ driftSchedule: '* * * * * *' });
    const ready = async (): Promise<{ status: number; body: string }> => {
      const response = await fetch(`${d.url}/readyz`);
      return { status: response.status, body: await response.text() };
    };
    const staleReports = async (): Promise<number[]> =>
      (await listReports(dbOf(d.app.store), 'contacts')).map(
        (r) => (JSON.parse(r.summary) as { categories: Record<string, number> }).categories['stale_sync'] ?? 0,
      );
    expect((await ready()).status).toBe(200);
    await d.waitFor('a drift report', async () => (await staleReports()).length > 0, 10_000);
    expect(await staleReports()).not.toContain(1);

    // No run of the sync ever succeeded here: with a limit, it is stale at once.
    await d.reload({ driftSchedule: '* * * * * *', staleAfterMs: 1 });
    const after = await ready();
    expect(after.status).toBe(503);
    expect(after.body).toContain('stale:contacts');
    await d.waitFor('a drift report with the sync stale', async () => (await staleReports())[0] === 1, 10_000);
  });

  it('server.tokenSecret: the old token is refused and the new one accepted', async () => {
    const d = await start({});
    expect(await api(d, 'first-token')).toBe(200);
    d.writeSecret('token-2', 'second-token');
    await d.reload({ tokenFile: 'token-2' });
    expect(await api(d, 'second-token')).toBe(200);
    expect(await api(d, 'first-token')).toBe(401);
  });

  it('server.webhooks: the reloaded secret and tolerance verify the next event', async () => {
    const d = await start({});
    expect((await hook(d, 'first-hook-secret', 60)).status).toBe(202);
    d.writeSecret('hook-2', 'second-hook-secret');
    await d.reload({ hookFile: 'hook-2', toleranceMs: 30_000 });
    expect((await hook(d, 'first-hook-secret')).status).toBe(401);
    expect((await hook(d, 'second-hook-secret')).status).toBe(202);
    // Signed a minute ago: inside the old 5 minutes, outside the reloaded 30 s.
    expect((await hook(d, 'second-hook-secret', 60)).status).toBe(401);
  });

  it('a key that needs a restart is named in a warning', async () => {
    const d = await start({});
    await d.reload({ pageSize: 7, staleAfterMs: 60_000, added: true });
    expect(d.lines.find((l) => String(l['msg']).startsWith('SIGHUP: these keys changed'))).toMatchObject({
      sync: 'contacts',
      keys: ['pageSize'],
    });
    expect(d.lines.find((l) => l['msg'] === 'SIGHUP: new syncs start after a restart')).toMatchObject({
      syncs: ['added'],
    });
  });
});
