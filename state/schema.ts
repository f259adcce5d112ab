/**
 * The Kysely table types of the state store. Timestamps are ISO 8601 UTC strings; JSON columns
 * are TEXT holding JSON. One row per thing; no secret is ever stored here.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

import type { Side } from '../src/side.js';

export type { Side };

/** The persisted cursor of one side of one sync. */
export interface CheckpointTable {
  sync: string;
  side: Side;
  /** JSON of `Cursor` from connectors/types.ts. */
  cursor: string;
  updated_at: string;
}

/** The pairing of a CRM id and an ERP id, with the base snapshot last agreed on. */
export interface LinkTable {
  sync: string;
  crm_id: string;
  erp_id: string;
  /** JSON of the canonical values both sides had after the last confirmed write. */
  base: string;
  /** Hash of the payload last confirmed on the target; equal hash means nothing to write. */
  payload_hash: string;
  updated_at: string;
  /** The CRM record's modification time last seen for this link. */
  crm_version: string | null;
  erp_version: string | null;
  /** `crm` / `erp`: the side Tandem archived for a delete on the other side (state/link-markers.ts). */
  archived_by_us: string | null;
  /** JSON `{crm?, erp?}`: the modification time of the last tombstone handled per side. */
  deletes_handled: string | null;
}

/** `skipped` only in a run's stats (its sync's lease held elsewhere): such a run is never recorded. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'paused' | 'skipped';

export interface RunTable {
  id: Generated<number>;
  sync: string;
  kind: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  /** JSON of `RunStats`. */
  stats: string | null;
  error: string | null;
  /** The process running it (null in rows from before migration 0007). */
  pid: number | null;
}

/** One record a run changed (state/run-history.ts): a planned write with its fields before -> after. */
export interface RunChangeTable {
  id: Generated<number>;
  run_id: number;
  sync: string;
  /** The side written to. */
  side: Side;
  /** create, update, archive, restore. */
  action: string;
  /** The record written; null for a create (the outbox row has its id once delivered). */
  record_id: string | null;
  source_id: string;
  /** The operation's idempotency key, joined to the outbox for its delivery status. */
  op_key: string | null;
  /** JSON: `[{ field, from, to }]`, personal data redacted per `log.redact`. */
  fields: string;
  at: string;
}

/** `dropped`: a dead operation a person dropped (`tandem dlq drop`); its key is free for the same write later. */
export type OutboxStatus = 'pending' | 'done' | 'dead' | 'superseded' | 'dropped';

/** The durable queue of intended writes, written in the same transaction as the checkpoint. */
export interface OutboxTable {
  id: Generated<number>;
  sync: string;
  target_side: Side;
  object: string;
  action: 'upsert' | 'archive';
  idempotency_key: string;
  source_id: string;
  target_id: string | null;
  ref_field: string | null;
  ref_value: string | null;
  /** JSON of the target-side fields. */
  payload: string;
  payload_hash: string;
  /** JSON of the canonical values this write makes true; merged into the link's base on confirm. */
  base: string | null;
  /** JSON of the `MarkerUpdate` this write makes on its link when confirmed (state/link-markers.ts). */
  link_markers: string | null;
  /** The target's `modifiedAt` the write was planned on, for a connector with optimistic concurrency. */
  planned_version: string | null;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Records and operations that failed permanently or too often; kept, listed, replayable. */
export interface DeadLetterTable {
  id: Generated<number>;
  sync: string;
  side: Side;
  /** The stage that gave up: validate, map, reconcile, deliver. */
  stage: string;
  record_id: string;
  operation_key: string | null;
  payload: string;
  error: string;
  created_at: string;
}

/** A first-contact match that found several candidates: reported for a person, never guessed. */
export interface AmbiguousMatchTable {
  sync: string;
  side: Side;
  record_id: string;
  candidates: string;
  match_key: string;
  created_at: string;
}

export type ConflictStatus = 'open' | 'resolved';

/** A field both sides changed differently that policy could not settle, or a delete against an edit. */
export interface ConflictTable {
  id: Generated<number>;
  sync: string;
  crm_id: string;
  erp_id: string;
  /** The canonical field name, or `(record)` for a delete-versus-update conflict. */
  field: string;
  /** `field` or `delete`. */
  kind: string;
  /** JSON values. */
  crm_value: string;
  erp_value: string;
  base_value: string;
  status: ConflictStatus;
  resolution: string | null;
  created_at: string;
  updated_at: string;
}

/** A record whose reference points at a record not linked yet: mapped again once it is. */
export interface WaitingTable {
  sync: string;
  side: Side;
  record_id: string;
  /** JSON of the SourceRecord. */
  record: string;
  needs_sync: string;
  needs_id: string;
  created_at: string;
}

/** A connector's circuit breaker, serialised so it survives a restart. */
export interface BreakerTable {
  connector: string;
  /** closed, open, half-open, isolated: for people and `tandem status`. */
  circuit: string;
  /** JSON of cockatiel's CircuitBreakerPolicy.toJSON(). */
  state: string;
  updated_at: string;
}

export type BackfillState = 'running' | 'interrupted' | 'failed' | 'paused' | 'done' | 'superseded';

/**
 * One backfill of one sync and its own progress (separate from the incremental checkpoint, which
 * a backfill never moves backwards). Unfinished (`running` after a crash, `interrupted`, `failed`,
 * `paused`) ones are resumed from their per-side cursor; `superseded` ones were restarted.
 */
export interface BackfillTable {
  id: Generated<number>;
  sync: string;
  /** ISO 8601; null reads from the beginning. */
  since: string | null;
  state: BackfillState;
  started_at: string;
  /** When the current (or last) process started or resumed it: the base of its rate. */
  session_started_at: string;
  /** Records pulled (both sides) before this session: the base of its rate. */
  session_pulled: Generated<number>;
  resumes: Generated<number>;
  updated_at: string;
  finished_at: string | null;
  /** JSON of `Cursor`: where reading resumes on that side; null before the first page. */
  crm_cursor: string | null;
  erp_cursor: string | null;
  /** 1 when that side has been read to its end. */
  crm_done: Generated<number>;
  erp_done: Generated<number>;
  crm_pulled: Generated<number>;
  erp_pulled: Generated<number>;
  crm_written: Generated<number>;
  erp_written: Generated<number>;
  /** Records expected on that side (pulled so far plus the connector's count of what is left); null when unknown. */
  crm_total: number | null;
  erp_total: number | null;
  error: string | null;
  /** The process running it, while `running`. */
  pid: number | null;
}

/** One drift report: its summary and where its files are. */
export interface ReportTable {
  id: Generated<number>;
  sync: string;
  generated_at: string;
  duration_ms: number;
  /** JSON of the report's summary (src/drift/report-schema.ts), without `previous`. */
  summary: string;
  /** JSON: format -> file path. */
  files: string;
  /** 1 when the report's repairs were enqueued. */
  repaired: number;
}

/**
 * A webhook signature already accepted, kept until its timestamp leaves the tolerance window (then
 * the timestamp check refuses it anyway), so a captured request is refused after a restart too.
 */
export interface WebhookReplayTable {
  connector: string;
  signature: string;
  /** Epoch milliseconds: the signed timestamp plus the connector's `toleranceMs`. */
  expires_at: number;
}

/** What a lease holder does with its sync: `daemon` holds it for its life, the others for one command. */
export type LeasePurpose = 'daemon' | 'run' | 'backfill' | 'repair';

/**
 * One writer per sync (state/leases.ts): who holds the sync, until when, and the fencing token
 * every fenced write checks. The row stays when the lease is released (`owner` null), so the
 * token only grows.
 */
export interface LeaseTable {
  sync: string;
  /** `host:pid:random` of the holder; null when free. */
  owner: string | null;
  host: string;
  pid: number;
  purpose: LeasePurpose;
  /** Incremented at every takeover; a write with an older token is refused. */
  token: number;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
}

export interface Database {
  webhook_replay: WebhookReplayTable;
  breakers: BreakerTable;
  leases: LeaseTable;
  conflicts: ConflictTable;
  waiting: WaitingTable;
  checkpoints: CheckpointTable;
  links: LinkTable;
  runs: RunTable;
  run_changes: RunChangeTable;
  outbox: OutboxTable;
  dead_letters: DeadLetterTable;
  ambiguous_matches: AmbiguousMatchTable;
  backfills: BackfillTable;
  reports: ReportTable;
}

export type LinkRow = Selectable<LinkTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type RunRow = Selectable<RunTable>;
export type RunUpdate = Updateable<RunTable>;
export type DeadLetterRow = Selectable<DeadLetterTable>;
export type ConflictRow = Selectable<ConflictTable>;
export type WaitingRow = Selectable<WaitingTable>;
export type BackfillRow = Selectable<BackfillTable>;
export type ReportRow = Selectable<ReportTable>;
