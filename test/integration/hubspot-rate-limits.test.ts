/**
 * HubSpot's rate limits as HubSpot answers them (429 with `policyName`, the window in
 * `X-HubSpot-RateLimit-*`, no Retry-After), end to end through the runtime's request policy.
 * HubSpot's limits are per account: another app on the same account can use up the 10-second
 * window, and Tandem's own pacing cannot prevent the 429s that follow.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { HTTP_EVENTS_CHANNEL, type HttpEvent } from '../../src/http/transport.js';
import { silentLogger } from '../../src/logger.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { SANDBOX_SECRETS } from '../../sandbox/index.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

/** The sandbox's default burst limit: HubSpot Professional's 190 requests per rolling 10 s. */
const BURST = 190;

describe('HubSpot 429s without Retry-After (sandbox, real runtime policy)', () => {
  let app: App | undefined;
  let cleanup: (() => void) | undefined;
  const events: HttpEvent[] = [];
  const listen = (message: unknown): void => void events.push(message as HttpEvent);
  afterEach(async () => {
    diagnostics.unsubscribe(HTTP_EVENTS_CHANNEL, listen);
    await app?.close();
    cleanup?.();
  });

  it('a run that meets a used-up 10-second window backs off to the window and ends with 0 dead letters', async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    // Retries as a config sets them for speed: their jittered delays add up to about 1.3 s,
    // well inside HubSpot's 10-second window.
    app = await openApp(writeTestConfig({ dir: tmp.dir, contacts: 40, companies: 6, pageSize: 20 }), {
      logger: silentLogger(),
    });
    const crm = app.sandbox?.crm;
    if (crm === undefined) throw new Error('no sandbox');
    diagnostics.subscribe(HTTP_EVENTS_CHANNEL, listen);

    // Another app on the same account uses up the window.
    const other = { authorization: `Bearer ${SANDBOX_SECRETS.crm.token}` };
    for (let i = 0; i < BURST; i++) await fetch(`${crm.url}/crm/v3/objects/contacts?limit=1`, { headers: other });
    const refused = await fetch(`${crm.url}/crm/v3/objects/contacts?limit=1`, { headers: other });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();

    const started = Date.now();
    for (const name of ['companies', 'contacts']) {
      const sync = app.syncs[name];
      if (sync === undefined) throw new Error(`no ${name} sync`);
      const stats = await runSync(
        { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
        { kind: 'incremental' },
      );
      expect(stats, stats.error).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0, pending: 0 });
    }
    expect(await app.store.countDeadLetters('contacts')).toBe(0);
    expect(await app.store.countDeadLetters('companies')).toBe(0);
    const limited = events.filter((e) => e.connector === 'crm' && e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // It waited for the window instead of spending its retries inside it.
    expect(Date.now() - started).toBeGreaterThan(5_000);
  }, 120_000);
});
