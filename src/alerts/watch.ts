/**
 * What raises alerts: the daemon's state, looked at after every run and on a timer. New dead
 * letters, new open conflicts and a new drift report under `driftBelow` (by id: only what appeared
 * since the daemon started), and a sync turning stale, a breaker opening, a webhook silence alarm
 * going up (on the transition). A check never throws: a failure is logged and the next one tries again.
 */
import type { StateStore } from '../../state/index.js';
import type { Logger } from '../logger.js';
import type { CircuitName } from '../runtime/breaker.js';
import type { SilenceState } from '../webhooks/silence.js';
import { consoleLink, type Alert, type AlertKind } from './alert.js';

export interface WatchSources {
  readonly store: StateStore;
  /** Each sync with its own stale limit (`staleAfterMs`), if it has one. */
  readonly syncs: () => readonly { readonly name: string; readonly staleAfterMs?: number | undefined }[];
  readonly circuits: () => ReadonlyMap<string, CircuitName>;
  readonly silence: () => readonly SilenceState[];
  /** When the daemon started: a sync never run is stale from then. */
  readonly startedAt: number;
  readonly now?: () => number;
}

export interface WatchSettings {
  readonly consoleUrl: string | undefined;
  readonly staleAfterMs: number;
  readonly driftBelow: number;
}

type Raise = (alert: Alert) => void;

export class AlertWatch {
  private readonly seen = {
    deadLetter: new Map<string, number>(),
    conflict: new Map<string, number>(),
    report: new Map<string, number>(),
  };
  private readonly raised = new Set<string>();
  private readonly now: () => number;
  private primed = false;

  constructor(
    private readonly raise: Raise,
    private readonly sources: WatchSources,
    private readonly settings: WatchSettings,
    private readonly logger: Logger,
  ) {
    this.now = sources.now ?? Date.now;
  }

  /** Remembers what is there already: alerts are for what happens from now on. */
  async prime(): Promise<void> {
    const { store } = this.sources;
    for (const { name } of this.sources.syncs()) {
      this.seen.deadLetter.set(name, maxId(await store.deadLetters(name)));
      this.seen.conflict.set(name, maxId(await store.conflicts(name, 'all')));
      this.seen.report.set(name, (await store.lastReport(name))?.id ?? 0);
    }
    this.primed = true;
  }

  /** Raises what is new since the last check; logs a failure, never throws. */
  async check(): Promise<void> {
    try {
      if (!this.primed) await this.prime();
      for (const { name, staleAfterMs } of this.sources.syncs()) {
        await this.deadLetters(name);
        await this.conflicts(name);
        await this.drift(name);
        await this.stale(name, staleAfterMs ?? this.settings.staleAfterMs);
      }
      this.levels();
    } catch (error) {
      this.logger.warn({ err: error }, 'alert check failed; the next check tries again');
    }
  }

  private alert(kind: AlertKind, key: string, title: string, extra: Partial<Alert> = {}): Alert {
    const link = consoleLink(this.settings.consoleUrl, kind, extra.sync);
    return { kind, key, title, link, at: new Date(this.now()).toISOString(), ...extra };
  }

  private async deadLetters(sync: string): Promise<void> {
    const after = this.seen.deadLetter.get(sync) ?? 0;
    const rows = (await this.sources.store.deadLetters(sync)).filter((r) => r.id > after);
    for (const r of rows) {
      const code = errorCode(r.error);
      const title = `${sync}: a write to the ${r.side} side for record ${r.record_id} failed at ${r.stage}${code === undefined ? '' : ` (${code})`} and went to the dead letters`;
      this.raise(
        this.alert('dead-letter', `dead-letter:${r.id}`, title, {
          sync,
          data: { id: r.id, side: r.side, recordId: r.record_id },
        }),
      );
    }
    this.seen.deadLetter.set(sync, Math.max(after, maxId(rows)));
  }

  private async conflicts(sync: string): Promise<void> {
    const after = this.seen.conflict.get(sync) ?? 0;
    const rows = (await this.sources.store.conflicts(sync, 'open')).filter((r) => r.id > after);
    for (const r of rows) {
      const what = r.kind === 'delete' ? 'a delete against an edit' : `field ${r.field}`;
      const title = `${sync}: conflict on ${what} between crm record ${r.crm_id} and erp record ${r.erp_id}; a person decides`;
      this.raise(
        this.alert('conflict', `conflict:${r.id}`, title, {
          sync,
          data: { id: r.id, crmId: r.crm_id, erpId: r.erp_id, field: r.field },
        }),
      );
    }
    this.seen.conflict.set(sync, Math.max(after, maxId(rows)));
  }

  private async drift(sync: string): Promise<void> {
    const report = await this.sources.store.lastReport(sync);
    if (report === undefined || report.id <= (this.seen.report.get(sync) ?? 0)) return;
    this.seen.report.set(sync, report.id);
    const agreement = (JSON.parse(report.summary) as { agreement?: unknown }).agreement;
    if (typeof agreement !== 'number' || agreement >= this.settings.driftBelow) return;
    const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
    const title = `${sync}: drift report #${report.id} finds ${pct(agreement)} in agreement, under ${pct(this.settings.driftBelow)}`;
    this.raise(this.alert('drift', `drift:${report.id}`, title, { sync, data: { id: report.id, agreement } }));
  }

  private async stale(sync: string, limitMs: number): Promise<void> {
    const last = await this.sources.store.lastRun(sync, 'succeeded');
    const since = last === undefined ? this.sources.startedAt : Date.parse(last.finished_at ?? last.started_at);
    const ageMs = this.now() - since;
    const minutes = Math.round(ageMs / 60_000);
    this.level('stale-sync', `stale-sync:${sync}`, ageMs > limitMs, () =>
      this.alert(
        'stale-sync',
        `stale-sync:${sync}`,
        `${sync}: no successful run for ${minutes} min (limit ${Math.round(limitMs / 60_000)} min)`,
        {
          sync,
          data: { lastSuccess: last?.finished_at ?? null },
        },
      ),
    );
  }

  /** Breakers and webhook silence: raised when they go up, again only after they came down. */
  private levels(): void {
    for (const [connector, state] of this.sources.circuits())
      this.level('breaker-open', `breaker-open:${connector}`, state === 'open', () =>
        this.alert(
          'breaker-open',
          `breaker-open:${connector}`,
          `${connector}: circuit breaker open; its syncs wait until it half-opens`,
          {
            connector,
          },
        ),
      );
    for (const s of this.sources.silence())
      this.level('webhook-silence', `webhook-silence:${s.connector}`, s.alarm, () =>
        this.alert(
          'webhook-silence',
          `webhook-silence:${s.connector}`,
          `${s.connector}: polling finds changes but no webhook arrived for ${Math.round((s.silenceAfterMs ?? 0) / 1000)} s; check the vendor's webhook subscription`,
          { connector: s.connector, data: { lastEventAt: s.lastEventAt } },
        ),
      );
  }

  private level(_kind: AlertKind, key: string, up: boolean, make: () => Alert): void {
    if (up && !this.raised.has(key)) {
      this.raised.add(key);
      this.raise(make());
    } else if (!up) this.raised.delete(key);
  }
}

function maxId(rows: readonly { readonly id: number }[]): number {
  return rows.reduce((m, r) => Math.max(m, r.id), 0);
}

function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
