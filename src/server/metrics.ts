/**
 * The daemon's Prometheus metrics (prom-client, its own registry). Counters are fed as things
 * happen: finished runs (from their RunStats), HTTP retries and 429s (from the transport's
 * diagnostics channel), webhook verdicts. Gauges that come from the state store are refreshed on
 * every scrape from `collectStatus`, the same function `tandem status` prints, so both agree.
 */
import diagnostics from 'node:diagnostics_channel';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncStatus } from '../control/status.js';
import { HTTP_EVENTS_CHANNEL, type HttpEvent } from '../http/transport.js';
import { CURSOR_EVENTS_CHANNEL, type FutureDatedEvent } from '../pipeline/checkpoint-limit.js';
import type { RunStats } from '../pipeline/context.js';
import type { CircuitName } from '../runtime/breaker.js';
import type { SilenceState } from '../webhooks/silence.js';

const CIRCUIT_STATES: readonly CircuitName[] = ['closed', 'open', 'half-open', 'isolated'];

/** What a scrape reads besides the counters. */
export interface MetricsSnapshot {
  readonly syncs: readonly (SyncStatus & { readonly paused: boolean })[];
  readonly circuits: readonly { readonly connector: string; readonly state: CircuitName }[];
  readonly conflicts: ReadonlyMap<string, number>;
  readonly webhooks: readonly SilenceState[];
  readonly now: number;
}

const seconds = (iso: string | null | undefined): number | undefined =>
  iso === null || iso === undefined ? undefined : Date.parse(iso) / 1000;

export class Metrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'sync' | 'kind' | 'status' | 'trigger'>;
  private readonly pulled: Counter<'sync' | 'side'>;
  private readonly written: Counter<'sync' | 'side'>;
  private readonly errors: Counter<'kind'>;
  private readonly retries: Counter<'connector'>;
  private readonly rateLimited: Counter<'connector'>;
  private readonly webhookEvents: Counter<'connector' | 'result'>;
  private readonly futureDated: Counter<'sync' | 'side'>;
  private readonly gauges: Record<string, Gauge>;
  private readonly onHttp = (message: unknown): void => this.http(message as HttpEvent);
  private readonly onCursor = (message: unknown): void => {
    const event = message as FutureDatedEvent;
    this.futureDated.inc({ sync: event.sync, side: event.side }, event.records);
  };

  constructor() {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      new Counter({ name, help, labelNames, registers });
    const gauge = (name: string, help: string, labelNames: readonly string[]): Gauge =>
      new Gauge({ name, help, labelNames, registers });
    this.runs = counter('tandem_runs_total', 'Finished runs', ['sync', 'kind', 'status', 'trigger']);
    this.pulled = counter('tandem_records_pulled_total', 'Records read, by sync and side', ['sync', 'side']);
    this.written = counter('tandem_records_written_total', 'Records written, by sync and target side', [
      'sync',
      'side',
    ]);
    this.errors = counter('tandem_errors_total', 'Errors by kind', ['kind']);
    this.retries = counter('tandem_http_retries_total', 'HTTP requests retried', ['connector']);
    this.rateLimited = counter('tandem_http_rate_limited_total', 'HTTP 429 answers (retried or final)', ['connector']);
    this.webhookEvents = counter('tandem_webhook_events_total', 'Webhook requests by verdict', ['connector', 'result']);
    this.futureDated = counter(
      'tandem_records_future_dated_total',
      "Records read with a modification time after the reading side's own clock (they do not move the checkpoint)",
      ['sync', 'side'],
    );
    this.gauges = {
      circuit: gauge('tandem_circuit_state', '1 for the current circuit state of each connector', [
        'connector',
        'state',
      ]),
      outbox: gauge('tandem_outbox_operations', 'Outbox operations by status', ['sync', 'status']),
      deadLetters: gauge('tandem_dead_letters', 'Dead letters', ['sync']),
      ambiguous: gauge('tandem_ambiguous_matches', 'Ambiguous first-contact matches', ['sync']),
      links: gauge('tandem_links', 'Linked record pairs', ['sync']),
      conflicts: gauge('tandem_conflicts', 'Open conflicts', ['sync']),
      lag: gauge(
        'tandem_sync_lag_seconds',
        'How old the oldest change not processed yet is (0 when caught up; see docs/operations.md)',
        ['sync'],
      ),
      checkpoint: gauge('tandem_checkpoint_saved_timestamp_seconds', 'When the CRM checkpoint was saved', ['sync']),
      lastSuccess: gauge('tandem_last_success_timestamp_seconds', 'When the last successful run finished', ['sync']),
      paused: gauge('tandem_sync_paused', '1 when the sync is paused', ['sync']),
      lastEvent: gauge('tandem_webhook_last_event_timestamp_seconds', 'Last verified webhook event', ['connector']),
      silence: gauge('tandem_webhook_silence_alarm', '1 while the webhook silence alarm is raised', ['connector']),
    };
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
    diagnostics.subscribe(HTTP_EVENTS_CHANNEL, this.onHttp);
    diagnostics.subscribe(CURSOR_EVENTS_CHANNEL, this.onCursor);
  }

  /** Stops listening to the HTTP channel. */
  close(): void {
    diagnostics.unsubscribe(HTTP_EVENTS_CHANNEL, this.onHttp);
    diagnostics.unsubscribe(CURSOR_EVENTS_CHANNEL, this.onCursor);
  }

  runFinished(stats: RunStats, trigger: string): void {
    this.runs.inc({ sync: stats.sync, kind: stats.kind, status: stats.status, trigger });
    for (const side of ['crm', 'erp'] as const) {
      this.pulled.inc({ sync: stats.sync, side }, stats.pulled[side]);
      this.written.inc({ sync: stats.sync, side }, stats.written[side]);
    }
    if (stats.status === 'failed') this.errors.inc({ kind: 'run_failed' });
    if (stats.failed > 0) this.errors.inc({ kind: 'write_failed' }, stats.failed);
    if (stats.deadLettered > 0) this.errors.inc({ kind: 'dead_lettered' }, stats.deadLettered);
  }

  webhook(connector: string, result: string): void {
    this.webhookEvents.inc({ connector, result });
    if (result !== 'accepted') this.errors.inc({ kind: 'webhook_rejected' });
  }

  private http(event: HttpEvent): void {
    if (event.event === 'retry') this.retries.inc({ connector: event.connector });
    if (event.status === 429) this.rateLimited.inc({ connector: event.connector });
    if (event.event === 'error') this.errors.inc({ kind: 'network' });
    if (event.event === 'response' && event.status !== undefined && event.status >= 500) {
      this.errors.inc({ kind: 'http_5xx' });
    }
  }

  /** Sets the gauges from a fresh snapshot (every scrape). */
  refresh(snapshot: MetricsSnapshot): void {
    for (const gauge of Object.values(this.gauges)) gauge.reset();
    const g = this.gauges;
    const set = (gauge: Gauge | undefined, labels: Record<string, string>, value: number | undefined): void => {
      if (gauge !== undefined && value !== undefined) gauge.set(labels, value);
    };
    for (const c of snapshot.circuits) {
      for (const state of CIRCUIT_STATES)
        set(g['circuit'], { connector: c.connector, state }, c.state === state ? 1 : 0);
    }
    for (const s of snapshot.syncs) {
      const sync = { sync: s.sync };
      for (const status of ['pending', 'done', 'dead'] as const) {
        set(g['outbox'], { ...sync, status }, s.outbox[status]);
      }
      set(g['deadLetters'], sync, s.deadLetters);
      set(g['ambiguous'], sync, s.ambiguousMatches);
      set(g['links'], sync, s.links);
      set(g['conflicts'], sync, snapshot.conflicts.get(s.sync) ?? 0);
      set(g['lag'], sync, s.lagSeconds ?? undefined);
      set(g['checkpoint'], sync, seconds(s.checkpoint?.savedAt));
      set(g['lastSuccess'], sync, seconds(s.lastSuccessAt));
      set(g['paused'], sync, s.paused ? 1 : 0);
    }
    for (const w of snapshot.webhooks) {
      set(g['lastEvent'], { connector: w.connector }, seconds(w.lastEventAt));
      if (w.silenceAfterMs !== null) set(g['silence'], { connector: w.connector }, w.alarm ? 1 : 0);
    }
  }
}
