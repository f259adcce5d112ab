/**
 * Every alert kind, end to end: a real state store and the daemon's signals (breakers, webhook
 * silence) looked at by the watch, sent by the notifier to a local receiver. Each kind arrives
 * once, signed, linking to its console page; what was there before the daemon started is not news.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.js';
import { AlertNotifier } from '../../../src/alerts/notifier.js';
import { AlertWatch } from '../../../src/alerts/watch.js';
import { silentLogger } from '../../../src/logger.js';
import type { CircuitName } from '../../../src/runtime/breaker.js';
import type { SilenceState } from '../../../src/webhooks/silence.js';
import { parseTandemSignature, signTandem } from '../../../src/webhooks/tandem-hmac.js';
import { StateStore, type PageCommit } from '../../../state/index.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { tempDir } from '../../helpers/tmp.js';

const SECRET = 'watch-hmac-key';
const HOUR = 3_600_000;

const page = (extra: Partial<PageCommit>): PageCommit => ({
  sync: 'contacts',
  side: 'crm',
  cursor: null,
  operations: [],
  deadLetters: [],
  ambiguous: [],
  ...extra,
});
const letter = (recordId: string) => ({
  sync: 'contacts',
  side: 'erp' as const,
  stage: 'deliver',
  recordId,
  payload: { name: 'Ada' },
  error: { code: 'VALIDATION', message: 'Invalid email ada@example' },
});

describe('AlertWatch', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: StateStore;
  let receiver: Receiver;
  let notifier: AlertNotifier;
  const circuits = new Map<string, CircuitName>([['crm', 'closed']]);
  let silence: SilenceState[] = [];
  let now = Date.UTC(2026, 11, 2, 8);

  beforeEach(async () => {
    tmp = tempDir();
    store = await StateStore.open(path.join(tmp.dir, 'tandem.sqlite'));
    receiver = await startReceiver();
    notifier = new AlertNotifier({
      targets: [{ label: 'webhook test', kind: 'webhook', url: () => receiver.url, secret: () => SECRET }],
      logger: silentLogger(),
      batchMs: 50,
      maxPerBatch: 50,
      maxPerMinute: 10,
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 50 },
    });
  });
  afterEach(async () => {
    await notifier.close(100);
    await receiver.close();
    await store.close();
    tmp.cleanup();
  });

  const watch = (): AlertWatch =>
    new AlertWatch(
      (alert) => notifier.raise(alert),
      {
        store,
        syncs: () => [{ name: 'contacts', staleAfterMs: undefined }],
        circuits: () => circuits,
        silence: () => silence,
        startedAt: now,
        now: () => now,
      },
      { consoleUrl: 'https://tandem.example.com/', staleAfterMs: HOUR, driftBelow: 0.9 },
      silentLogger(),
    );
  const received = (): Alert[] => receiver.requests.flatMap((r) => (JSON.parse(r.body) as { alerts: Alert[] }).alerts);

  it('raises each kind once, signed, linking to the console page; old ones are not news', async () => {
    await store.commitPage(page({ deadLetters: [letter('old')] }));
    const w = watch();
    await w.prime();

    await store.commitPage(
      page({
        deadLetters: [letter('101')],
        conflicts: [
          {
            sync: 'contacts',
            crmId: '7',
            erpId: '70',
            field: 'phone',
            kind: 'field',
            crmValue: 'a',
            erpValue: 'b',
            baseValue: null,
          },
        ],
      }),
    );
    await store.addReport({
      sync: 'contacts',
      generatedAt: new Date(now).toISOString(),
      durationMs: 3,
      summary: { agreement: 0.5 },
      files: {},
      repaired: false,
    });
    await store.addReport({
      sync: 'contacts',
      generatedAt: new Date(now).toISOString(),
      durationMs: 3,
      summary: { agreement: 0.95 },
      files: {},
      repaired: false,
    });
    circuits.set('crm', 'open');
    silence = [{ connector: 'crm', silenceAfterMs: 3000, lastEventAt: null, alarm: true }];
    now += 2 * HOUR; // no successful run since the start: stale

    await w.check();
    await w.check(); // nothing new: nothing more
    await notifier.flush();

    const alerts = received();
    expect(alerts.map((a) => a.kind).sort()).toEqual(
      ['breaker-open', 'conflict', 'dead-letter', 'stale-sync', 'webhook-silence'].sort(),
    );
    // The last report (95%) is over the threshold; the 50% one was superseded before the check.
    expect(alerts.find((a) => a.kind === 'dead-letter')).toMatchObject({
      sync: 'contacts',
      link: 'https://tandem.example.com/#/dead-letters?sync=contacts',
      title:
        'contacts: a write to the erp side for record 101 failed at deliver (VALIDATION) and went to the dead letters',
    });
    expect(JSON.stringify(alerts)).not.toContain('ada@example'); // no vendor message, no personal data
    expect(alerts.find((a) => a.kind === 'conflict')?.link).toBe(
      'https://tandem.example.com/#/conflicts?sync=contacts',
    );
    expect(alerts.find((a) => a.kind === 'breaker-open')).toMatchObject({
      connector: 'crm',
      link: 'https://tandem.example.com/#/',
    });
    expect(alerts.find((a) => a.kind === 'stale-sync')?.title).toBe(
      'contacts: no successful run for 120 min (limit 60 min)',
    );
    for (const r of receiver.requests) {
      const parsed = parseTandemSignature(String(r.headers['x-tandem-signature']));
      expect(parsed?.signatures).toEqual([signTandem(SECRET, parsed?.timestamp ?? 0, r.body)]);
    }

    // A new drift report under the threshold: raised, once.
    await store.addReport({
      sync: 'contacts',
      generatedAt: new Date(now).toISOString(),
      durationMs: 3,
      summary: { agreement: 0.42 },
      files: {},
      repaired: false,
    });
    await w.check();
    await notifier.flush();
    const drift = received().filter((a) => a.kind === 'drift');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({
      link: 'https://tandem.example.com/#/drift?sync=contacts',
      title: expect.stringContaining('42.0% in agreement, under 90.0%'),
    });
  });

  it('a failing check (the store closed) is logged, not thrown', async () => {
    const w = watch();
    await w.prime();
    await store.close();
    await expect(w.check()).resolves.toBeUndefined();
    store = await StateStore.open(path.join(tmp.dir, 'tandem.sqlite'));
  });
});
