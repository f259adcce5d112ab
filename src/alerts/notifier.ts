/**
 * Sends alerts to people, never in a run's way: `raise` only queues (synchronous, it cannot throw
 * or wait), and a background drain sends what the queue holds. Alerts raised within `batchMs` go
 * in one message (at most `maxPerBatch`), at most `maxPerMinute` messages a minute (the rest wait
 * in the queue, which keeps the newest `maxQueue` and counts what it dropped), each message retried
 * with exponential backoff and jitter (cockatiel) on a network error, a 5xx or a 429. A failure
 * after the retries is logged, never thrown. An alert with the key of one sent within `repeatAfterMs`
 * is not sent again (a stale sync is seen on every check).
 */
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { got, HTTPError, RequestError } from 'got';
import type { Logger } from '../logger.js';
import { TANDEM_SIGNATURE_HEADER, tandemSignatureHeader } from '../webhooks/tandem-hmac.js';
import type { Alert } from './alert.js';
import { slackBody, webhookBody } from './format.js';

export interface AlertTargetHandle {
  /** For logs: `webhook alerts.example.com` or `slack #1` (never a Slack URL: it is a secret). */
  readonly label: string;
  readonly kind: 'webhook' | 'slack';
  /** Read when sending: a rotated secret file is used at once. */
  url(): string;
  /** The webhook's HMAC key. */
  secret?(): string;
}

export interface NotifierOptions {
  readonly targets: readonly AlertTargetHandle[];
  readonly logger: Logger;
  readonly batchMs: number;
  readonly maxPerBatch: number;
  readonly maxPerMinute: number;
  /** `attempts`: tries in all, the first one included. */
  readonly retry?: { readonly attempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly timeoutMs?: number;
  readonly maxQueue?: number;
  readonly repeatAfterMs?: number;
  readonly now?: () => number;
}

const MINUTE = 60_000;

export class AlertNotifier {
  private readonly queue: Alert[] = [];
  private readonly sentKeys = new Map<string, number>();
  private readonly sentAt: number[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly policy: RetryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: NotifierOptions) {
    const r = options.retry ?? { attempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 };
    this.policy = retry(handleWhen(retryable), {
      // cockatiel counts the retries after the first attempt.
      maxAttempts: Math.max(0, r.attempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: r.initialDelayMs, maxDelay: r.maxDelayMs }),
    });
    this.now = options.now ?? Date.now;
  }

  /** Queues `alert`; sent within `batchMs` with the others raised meanwhile. Never throws, never waits. */
  raise(alert: Alert): void {
    if (this.closed) return;
    const last = this.sentKeys.get(alert.key);
    if (last !== undefined && this.now() - last < (this.options.repeatAfterMs ?? 3_600_000)) return;
    if (this.queue.some((q) => q.key === alert.key)) return;
    if (this.sentKeys.size > 10_000) this.forgetOldKeys();
    this.sentKeys.set(alert.key, this.now());
    this.queue.push(alert);
    const max = this.options.maxQueue ?? 10_000;
    if (this.queue.length > max) this.dropped += this.queue.splice(0, this.queue.length - max).length;
    this.schedule(this.options.batchMs);
  }

  /** Sends everything queued now (tests, and the daemon's stop). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.drain();
  }

  /** Stops taking alerts and sends what is queued, waiting at most `deadlineMs`. */
  async close(deadlineMs = 5000): Promise<void> {
    this.closed = true;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush().catch(() => undefined),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, deadlineMs))),
    ]);
    clearTimeout(timeout);
  }

  private forgetOldKeys(): void {
    const window = this.options.repeatAfterMs ?? 3_600_000;
    for (const [key, at] of this.sentKeys) if (this.now() - at >= window) this.sentKeys.delete(key);
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined || this.draining !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, delayMs);
    this.timer.unref();
  }

  private drain(): Promise<void> {
    this.draining ??= this.sendAll().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.schedule(this.waitForRateMs());
    });
    return this.draining;
  }

  /** How long until one more message fits in the minute's budget. */
  private waitForRateMs(): number {
    const now = this.now();
    while (this.sentAt.length > 0 && now - (this.sentAt[0] ?? 0) >= MINUTE) this.sentAt.shift();
    if (this.sentAt.length < this.options.maxPerMinute) return this.options.batchMs;
    return MINUTE - (now - (this.sentAt[0] ?? now));
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0 && this.waitForRateMs() <= this.options.batchMs) {
      const batch = this.queue.splice(0, this.options.maxPerBatch);
      const dropped = this.dropped;
      this.dropped = 0;
      this.sentAt.push(this.now());
      await Promise.all(this.options.targets.map((t) => this.send(t, batch, dropped)));
    }
  }

  private async send(target: AlertTargetHandle, batch: readonly Alert[], dropped: number): Promise<void> {
    const log = this.options.logger;
    try {
      await this.policy.execute(async () => {
        const body = target.kind === 'slack' ? slackBody(batch, dropped) : webhookBody(batch, dropped);
        const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tandem-alerts' };
        if (target.secret !== undefined)
          headers[TANDEM_SIGNATURE_HEADER] = tandemSignatureHeader(target.secret(), body);
        await got.post(target.url(), {
          body,
          headers,
          retry: { limit: 0 },
          timeout: { request: this.options.timeoutMs ?? 10_000 },
        });
      });
      log.info({ target: target.label, alerts: batch.length }, 'alerts sent');
    } catch (error) {
      log.error(
        { target: target.label, alerts: batch.length, error: describeSendError(error) },
        'alerts not delivered after retries; they are dropped (see the console for the current state)',
      );
    }
  }
}

/** A network error, a 5xx or a 429 may pass; another 4xx is the target's configuration. */
function retryable(error: Error): boolean {
  if (error instanceof HTTPError) return error.response.statusCode >= 500 || error.response.statusCode === 429;
  return error instanceof RequestError;
}

/** The error in words, without the URL (a Slack URL is a secret). */
function describeSendError(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.statusCode}`;
  if (error instanceof RequestError) return error.code;
  return error instanceof Error ? error.name : String(error);
}
