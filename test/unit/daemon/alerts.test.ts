/**
 * The daemon sends alerts on its own: with `alerts:` configured, a scheduled drift report under
 * `driftBelow` and a stale sync reach a local receiver, signed, linking to the console, without a
 * run or a request asking for them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.js';
import { parseTandemSignature, signTandem } from '../../../src/webhooks/tandem-hmac.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';

describe('the daemon’s alerts', () => {
  let daemon: TestDaemon | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await daemon?.stop();
    await receiver?.close();
  });

  it('sends a low drift report and a stale sync, signed, to the configured webhook', async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    daemon = await startTestDaemon({
      staleAfterMs: 1000,
      driftSchedule: '*/2 * * * * *',
      extra: `alerts:
  targets: [{ kind: webhook, url: "${url}", secret: { file: hook } }]
  consoleUrl: https://tandem.example.com
  batchMs: 200
  checkEverySeconds: 1
  driftBelow: 0.99
`,
    });
    const received = (): Alert[] =>
      (receiver?.requests ?? []).flatMap((r) => (JSON.parse(r.body) as { alerts: Alert[] }).alerts);
    await daemon.waitFor(
      'a drift and a stale alert',
      () => ['drift', 'stale-sync'].every((k) => received().some((a) => a.kind === k)),
      20_000,
    );
    expect(received().filter((a) => a.kind === 'stale-sync')).toHaveLength(1);
    expect(received().find((a) => a.kind === 'drift')).toMatchObject({
      sync: 'contacts',
      link: 'https://tandem.example.com/#/drift?sync=contacts',
    });
    for (const r of receiver.requests) {
      const parsed = parseTandemSignature(String(r.headers['x-tandem-signature']));
      expect(parsed?.signatures).toEqual([signTandem('first-hook-secret', parsed?.timestamp ?? 0, r.body)]);
    }
  }, 30_000);
});
