/**
 * The webhook silence alarm: a connector configured for webhooks whose last verified event is
 * older than its `silenceAfterMs` while polling still finds changes on it. Webhooks that died
 * (an expired subscription, a firewall change) would otherwise go unnoticed, because the
 * scheduled poll keeps the data flowing. The alarm is raised by a run that pulled changes, and
 * cleared by the next verified event.
 */
import type { Logger } from '../logger.js';

export interface SilenceState {
  readonly connector: string;
  /** null: no alarm declared; the last event is still kept (a metric reads it). */
  readonly silenceAfterMs: number | null;
  /** ISO time of the last verified event; null when none came since the daemon started. */
  readonly lastEventAt: string | null;
  readonly alarm: boolean;
}

interface Entry {
  silenceAfterMs: number | null;
  lastEventAt: number | null;
  alarm: boolean;
}

export class SilenceWatch {
  private readonly entries = new Map<string, Entry>();
  private readonly startedAt: number;

  /**
   * `limits`: silenceAfterMs by connector, for every connector with webhooks; null where none is
   * declared (its last event is kept, it never alarms).
   */
  constructor(
    limits: ReadonlyMap<string, number | null>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.reconfigure(limits);
  }

  /** Applies new limits (SIGHUP); keeps what was heard so far. */
  reconfigure(limits: ReadonlyMap<string, number | null>): void {
    for (const name of [...this.entries.keys()]) if (!limits.has(name)) this.entries.delete(name);
    for (const [connector, silenceAfterMs] of limits) {
      const entry = this.entries.get(connector);
      if (entry === undefined) this.entries.set(connector, { silenceAfterMs, lastEventAt: null, alarm: false });
      else entry.silenceAfterMs = silenceAfterMs;
    }
  }

  /** A verified event arrived from `connector`. */
  heard(connector: string): void {
    const entry = this.entries.get(connector);
    if (entry === undefined) return;
    entry.lastEventAt = this.now();
    if (entry.alarm) {
      entry.alarm = false;
      this.logger.info({ connector }, 'webhooks heard again; silence alarm cleared');
    }
  }

  /** A run pulled `changes` records from `connector`: if its webhooks have been silent too long, alarm. */
  polled(connector: string, changes: number): void {
    const entry = this.entries.get(connector);
    if (entry === undefined || entry.silenceAfterMs === null || changes === 0) return;
    const since = entry.lastEventAt ?? this.startedAt;
    const silentForMs = this.now() - since;
    if (silentForMs <= entry.silenceAfterMs || entry.alarm) return;
    entry.alarm = true;
    this.logger.warn(
      {
        connector,
        silentForMs,
        silenceAfterMs: entry.silenceAfterMs,
        lastEventAt: entry.lastEventAt === null ? null : new Date(entry.lastEventAt).toISOString(),
        changes,
      },
      'webhook silence: polling finds changes but no verified webhook event arrived',
    );
  }

  states(): SilenceState[] {
    return [...this.entries].map(([connector, e]) => ({
      connector,
      silenceAfterMs: e.silenceAfterMs,
      lastEventAt: e.lastEventAt === null ? null : new Date(e.lastEventAt).toISOString(),
      alarm: e.alarm,
    }));
  }
}
