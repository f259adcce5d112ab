/**
 * The alert notifier against a local receiver: signed like Tandem's incoming webhooks (the HMAC
 * verified here), batched under a burst, rate limited, retried on 5xx, a slow or failing receiver
 * never holding the caller, and the Slack shape.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.js';
import { AlertNotifier, type AlertTargetHandle, type NotifierOptions } from '../../../src/alerts/notifier.js';
import { silentLogger } from '../../../src/logger.js';
import { parseTandemSignature, signTandem } from '../../../src/webhooks/tandem-hmac.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';

const SECRET = 'alerts-hmac-key-for-tests';

const deadLetter = (i: number): Alert => ({
  kind: 'dead-letter',
  key: `dead-letter:${i}`,
  sync: 'contacts',
  title: `contacts: write ${i} failed`,
  link: 'https://tandem.example.com/#/dead-letters?sync=contacts',
  at: '2026-12-02T08:00:00.000Z',
  data: { id: i },
});

describe('AlertNotifier', () => {
  let receiver: Receiver;
  let notifier: AlertNotifier | undefined;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await notifier?.close(100);
    await receiver.close();
  });

  const webhook = (): AlertTargetHandle => ({
    label: 'webhook test',
    kind: 'webhook',
    url: () => receiver.url,
    secret: () => SECRET,
  });
  const make = (options: Partial<NotifierOptions> = {}): AlertNotifier =>
    (notifier = new AlertNotifier({
      targets: [webhook()],
      logger: silentLogger(),
      batchMs: 150,
      maxPerBatch: 50,
      maxPerMinute: 20,
      retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
      timeoutMs: 500,
      ...options,
    }));
  const until = async (test: () => boolean, ms = 5000): Promise<void> => {
    for (const end = Date.now() + ms; !test(); await new Promise((r) => setTimeout(r, 20)))
      if (Date.now() > end) throw new Error('timed out waiting');
  };
  const alertsIn = (i: number): Alert[] =>
    (JSON.parse(receiver.requests[i]?.body ?? '{}') as { alerts: Alert[] }).alerts;

  it('sends a burst of 50 dead letters as one signed request, each alert once', async () => {
    const n = make();
    for (let i = 1; i <= 50; i++) n.raise(deadLetter(i));
    n.raise(deadLetter(7)); // raised again: the same key is sent once
    await until(() => receiver.requests.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const header = String(request?.headers['x-tandem-signature']);
    const parsed = parseTandemSignature(header);
    expect(parsed).toBeDefined();
    expect(parsed?.signatures).toEqual([signTandem(SECRET, parsed?.timestamp ?? 0, request?.body ?? '')]);
    expect(Math.abs((parsed?.timestamp ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(alertsIn(0).map((a) => a.key)).toEqual(Array.from({ length: 50 }, (_, i) => `dead-letter:${i + 1}`));
    expect(alertsIn(0)[0]).toEqual(deadLetter(1));
  });

  it('splits past maxPerBatch and holds messages past maxPerMinute', async () => {
    const n = make({ maxPerBatch: 10, maxPerMinute: 2 });
    for (let i = 1; i <= 35; i++) n.raise(deadLetter(i));
    await until(() => receiver.requests.length >= 2);
    await new Promise((r) => setTimeout(r, 400));
    // Two messages this minute; the other 15 alerts wait in the queue for the next.
    expect(receiver.requests.map((_, i) => alertsIn(i).length)).toEqual([10, 10]);
  });

  it('retries a failing receiver with backoff, and the caller never waits for it', async () => {
    receiver.script.push(500, 503);
    const n = make();
    const started = performance.now();
    n.raise(deadLetter(1));
    expect(performance.now() - started).toBeLessThan(20);
    await until(() => receiver.requests.some((r) => r.status === 200));
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(alertsIn(2).map((a) => a.key)).toEqual(['dead-letter:1']);
  });

  it('does not retry a 4xx other than 429, and gives up after its attempts without throwing', async () => {
    receiver.script.push(404, 500, 500, 500);
    const n = make();
    n.raise(deadLetter(1));
    await n.flush();
    expect(receiver.requests.map((r) => r.status)).toEqual([404]);
    n.raise(deadLetter(2));
    await n.flush();
    expect(receiver.requests.map((r) => r.status)).toEqual([404, 500, 500, 500]);
  });

  it('is not held by a receiver that never answers: raise returns at once, close keeps its deadline', async () => {
    receiver.script.push('hang', 'hang', 'hang');
    const n = make({ timeoutMs: 5000 });
    n.raise(deadLetter(1));
    const started = performance.now();
    await n.close(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('posts { text, blocks } to a Slack-compatible webhook, unsigned', async () => {
    const n = make({
      targets: [{ label: 'slack #1', kind: 'slack', url: () => receiver.url }],
    });
    n.raise({ ...deadLetter(1), title: 'contacts: <b> & co failed' });
    await n.flush();
    const body = JSON.parse(receiver.requests[0]?.body ?? '{}') as {
      text: string;
      blocks: { text?: { text: string } }[];
    };
    expect(receiver.requests[0]?.headers['x-tandem-signature']).toBeUndefined();
    expect(body.text).toContain('Tandem: 1 alert');
    expect(body.text).toContain(
      'contacts: &lt;b&gt; &amp; co failed <https://tandem.example.com/#/dead-letters?sync=contacts|open>',
    );
    expect(body.blocks[1]?.text?.text).toContain('*dead-letter*');
  });
});
