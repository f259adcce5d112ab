/** What one run of one sync is given: everything it touches comes in here, nothing is global. */
import type { HistoryLimits, StateStore } from '../../state/index.js';
import type { SyncEntry } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { CompiledMapping } from '../mapping/compile.js';
import type { RuntimeConnector } from '../runtime/instrument.js';
import type { BackfillProgress, BackfillSummary } from './backfill-progress.js';
import type { CatalogMemo } from './resolver.js';

/** A sync ready to run: its config, compiled mapping and both connectors. */
export interface SyncDefinition {
  readonly name: string;
  readonly config: SyncEntry;
  readonly mapping: CompiledMapping;
  readonly crm: RuntimeConnector;
  readonly erp: RuntimeConnector;
  /** The objects of the syncs this sync's reference fields name (companies: contacts' parent_id). */
  readonly referenced?: Readonly<Record<string, { readonly crm: string; readonly erp: string }>>;
  /** Run history retention and redaction (config `history`, `log.redact`); absent: the defaults, nothing redacted. */
  readonly history?: HistorySettings;
}

/** The run history's settings: `history` (retention) and `log.redact` (personal data) of the config. */
export interface HistorySettings {
  readonly limits: HistoryLimits;
  /** pino redaction paths (`*.email`, `fields.phone`): a field named by a path's last key is redacted. */
  readonly redact: readonly string[];
}

export interface RunContext {
  readonly sync: SyncDefinition;
  readonly store: StateStore;
  readonly logger: Logger;
  /** Aborting stops the run after the page in hand is committed and delivered. */
  readonly signal: AbortSignal;
  /** A dry run: planning must write nothing anywhere (no merge is followed or made). */
  readonly dryRun?: boolean;
  /** A backfill's progress, after it starts (or resumes) and after every page. */
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Catalog values looked up in this run (resolver.ts); runSync makes one when absent. */
  readonly catalogs?: CatalogMemo;
}

export type RunKind = 'incremental' | 'backfill';

export interface RunOptions {
  readonly kind: RunKind;
  /**
   * Backfill start, ISO 8601. Absent: an unfinished backfill resumes with its own; a new one reads
   * everything. An unfinished backfill with another `since` is refused unless `restart`.
   */
  readonly since?: string;
  /** Backfill: supersede an unfinished backfill and start over. */
  readonly restart?: boolean;
}

export interface SideCounts {
  crm: number;
  erp: number;
}

/** What a run did; printed by `tandem run --json` and stored with the run. */
export interface RunStats {
  sync: string;
  kind: RunKind;
  /**
   * `paused`: a connector's circuit is open; nothing was attempted, no attempt was spent.
   * `skipped`: another process holds the sync's lease (see `error`); nothing was done.
   */
  status: 'succeeded' | 'failed' | 'interrupted' | 'paused' | 'skipped';
  pulled: SideCounts;
  written: SideCounts;
  created: SideCounts;
  updated: SideCounts;
  archived: SideCounts;
  /** Per side pulled from: records whose values already agree (our own writes coming back, re-reads). */
  skippedAsEcho: SideCounts;
  /** Records that needed no write, both sides together. */
  skipped: number;
  /** Conflicts opened: fields policy could not settle, deletes against edits. */
  conflicts: number;
  /** Records waiting for a referenced record to be linked. */
  waiting: number;
  /** Records outside the mapping's filter (e.g. a contact without an email). */
  filtered: number;
  /** Writes that failed this run and were not delivered later in it (retryable ones stay in the outbox). */
  failed: number;
  deadLettered: number;
  ambiguous: number;
  pending: number;
  durationMs: number;
  error?: string;
  /** A backfill run: which backfill, whether it resumed, and its figures over every session. */
  backfill?: BackfillSummary;
}

export function emptyStats(sync: string, kind: RunKind): RunStats {
  return {
    sync,
    kind,
    status: 'succeeded',
    pulled: { crm: 0, erp: 0 },
    written: { crm: 0, erp: 0 },
    created: { crm: 0, erp: 0 },
    updated: { crm: 0, erp: 0 },
    archived: { crm: 0, erp: 0 },
    skippedAsEcho: { crm: 0, erp: 0 },
    skipped: 0,
    conflicts: 0,
    waiting: 0,
    filtered: 0,
    failed: 0,
    deadLettered: 0,
    ambiguous: 0,
    pending: 0,
    durationMs: 0,
  };
}
