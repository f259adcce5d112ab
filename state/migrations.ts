/**
 * Schema migrations, applied in order (SQLite: at open; PostgreSQL: by `tandem migrate`). Never
 * edit what a shipped migration does to SQLite: add one. Both engines run the same list, so their
 * schemas stay equivalent; where PostgreSQL needs another type it is named through {@link Types}
 * (a row id: SQLite's `integer primary key autoincrement`, PostgreSQL's `bigserial`; epoch
 * milliseconds: `bigint`), and the data steps of 0010, which rewrite rows an older SQLite store
 * held, have nothing to do on PostgreSQL (no PostgreSQL store predates them).
 */
import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { EngineKind } from './engine.js';
import { moveLinkMarkers } from './migrate-link-markers.js';
import { movePlannedVersions } from './migrate-planned.js';

/** The column types that differ per engine. */
interface Types {
  /** A generated row id, the table's primary key. */
  readonly id: readonly ['integer' | 'bigserial', (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];
  /** Epoch milliseconds (beyond PostgreSQL's 32-bit `integer`). */
  readonly epochMs: 'integer' | 'bigint';
  /** Whether rows written by an older Tandem may need rewriting (only SQLite stores are that old). */
  readonly legacyRows: boolean;
}

const TYPES: Record<EngineKind, Types> = {
  sqlite: { id: ['integer', (c) => c.primaryKey().autoIncrement()], epochMs: 'integer', legacyRows: true },
  postgres: { id: ['bigserial', (c) => c.primaryKey()], epochMs: 'bigint', legacyRows: false },
};

const m0001Initial = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('checkpoints')
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('cursor', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('checkpoints_pk', ['sync', 'side'])
      .execute();

    await db.schema
      .createTable('links')
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('crm_id', 'text', (c) => c.notNull())
      .addColumn('erp_id', 'text', (c) => c.notNull())
      .addColumn('base', 'text', (c) => c.notNull())
      .addColumn('payload_hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('links_pk', ['sync', 'crm_id'])
      .execute();
    await db.schema.createIndex('links_erp').unique().on('links').columns(['sync', 'erp_id']).execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', ...t.id)
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('stats', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('runs_sync').on('runs').columns(['sync', 'id']).execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', ...t.id)
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('target_side', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text')
      .addColumn('ref_field', 'text')
      .addColumn('ref_value', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('payload_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('outbox_pending')
      .on('outbox')
      .columns(['sync', 'target_side', 'status', 'id'])
      .execute();
    await db.schema.createIndex('outbox_source').on('outbox').columns(['sync', 'target_side', 'source_id']).execute();

    await db.schema
      .createTable('dead_letters')
      .addColumn('id', ...t.id)
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('operation_key', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ambiguous_matches')
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('candidates', 'text', (c) => c.notNull())
      .addColumn('match_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ambiguous_pk', ['sync', 'side', 'record_id'])
      .execute();
  },
});

const m0002Breakers = (_t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('breakers')
      .addColumn('connector', 'text', (c) => c.primaryKey())
      .addColumn('circuit', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
});

const m0003Reconciliation = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // The version (modification time) of each side last seen for a link: a re-read at the cursor
    // boundary with the same (id, version) is skipped.
    await db.schema.alterTable('links').addColumn('crm_version', 'text').execute();
    await db.schema.alterTable('links').addColumn('erp_version', 'text').execute();
    // The canonical values an operation writes: merged into the link's base snapshot on confirm.
    await db.schema.alterTable('outbox').addColumn('base', 'text').execute();
    await db.schema
      .createTable('conflicts')
      .addColumn('id', ...t.id)
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('crm_id', 'text', (c) => c.notNull())
      .addColumn('erp_id', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('crm_value', 'text', (c) => c.notNull())
      .addColumn('erp_value', 'text', (c) => c.notNull())
      .addColumn('base_value', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('conflicts_open')
      .on('conflicts')
      .columns(['sync', 'status', 'crm_id', 'field'])
      .execute();
    await db.schema
      .createTable('waiting')
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('needs_sync', 'text', (c) => c.notNull())
      .addColumn('needs_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('waiting_pk', ['sync', 'side', 'record_id'])
      .execute();
  },
});

const m0005Backfills = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // A backfill's own progress, so one stopped by Ctrl-C or a crash resumes where it was.
    await db.schema
      .createTable('backfills')
      .addColumn('id', ...t.id)
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('since', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('session_started_at', 'text', (c) => c.notNull())
      .addColumn('session_pulled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('resumes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('crm_cursor', 'text')
      .addColumn('erp_cursor', 'text')
      .addColumn('crm_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('erp_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('crm_pulled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('erp_pulled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('crm_written', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('erp_written', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('crm_total', 'integer')
      .addColumn('erp_total', 'integer')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('backfills_sync').on('backfills').columns(['sync', 'id']).execute();
  },
});

const m0006Reports = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // One row per drift report: its summary (counts per category, agreement) and its files.
    await db.schema
      .createTable('reports')
      .addColumn('id', ...t.id)
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('generated_at', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('files', 'text', (c) => c.notNull())
      .addColumn('repaired', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('reports_sync').on('reports').columns(['sync', 'id']).execute();
  },
});

const m0007OwnerPid = (_t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // The process running a run or a backfill: another process opening the store (tandem status,
    // a dry run) must not mark a live one interrupted, only one whose process is gone.
    await db.schema.alterTable('runs').addColumn('pid', 'integer').execute();
    await db.schema.alterTable('backfills').addColumn('pid', 'integer').execute();
  },
});

const m0008Leases = (_t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // One writer per sync: the holder, its heartbeat and expiry, and the fencing token.
    await db.schema
      .createTable('leases')
      .addColumn('sync', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('token', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('heartbeat_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
});

const m0009WebhookReplay = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // Webhook signatures accepted inside their tolerance window: replay refusal survives a restart.
    await db.schema
      .createTable('webhook_replay')
      .addColumn('connector', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('expires_at', t.epochMs, (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_replay_pk', ['connector', 'signature'])
      .execute();
    await db.schema.createIndex('webhook_replay_expires').on('webhook_replay').column('expires_at').execute();
  },
});

const m0010LinkMarkers = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // A link's markers get their own columns instead of sentinel keys in the base snapshot.
    await db.schema.alterTable('links').addColumn('archived_by_us', 'text').execute();
    await db.schema.alterTable('links').addColumn('deletes_handled', 'text').execute();
    await db.schema.alterTable('outbox').addColumn('link_markers', 'text').execute();
    if (t.legacyRows) await moveLinkMarkers(db);
    // And the version a write is planned on, out of the vendor payload into its own column.
    await db.schema.alterTable('outbox').addColumn('planned_version', 'text').execute();
    if (t.legacyRows) await movePlannedVersions(db);
  },
});

const m0011RunChanges = (t: Types): Migration => ({
  async up(db: Kysely<unknown>) {
    // Run history: what each run changed, record by record (state/run-history.ts).
    await db.schema
      .createTable('run_changes')
      .addColumn('id', ...t.id)
      .addColumn('run_id', 'integer', (c) => c.notNull())
      .addColumn('sync', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('op_key', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('run_changes_run').on('run_changes').columns(['run_id', 'id']).execute();
    // Listing runs newest first and pruning them by age.
    await db.schema.createIndex('runs_started').on('runs').columns(['started_at']).execute();
  },
});

const migrationsFor = (t: Types): Record<string, Migration> => ({
  '0001_initial': m0001Initial(t),
  '0002_breakers': m0002Breakers(t),
  '0003_reconciliation': m0003Reconciliation(t),
  '0005_backfills': m0005Backfills(t),
  '0006_reports': m0006Reports(t),
  '0007_owner_pid': m0007OwnerPid(t),
  '0008_leases': m0008Leases(t),
  '0009_webhook_replay': m0009WebhookReplay(t),
  '0010_link_markers': m0010LinkMarkers(t),
  '0011_run_changes': m0011RunChanges(t),
});

/** The migrations of `kind`'s schema: the same names, in the same order, on every engine. */
export function migrationProviderFor(kind: EngineKind): MigrationProvider {
  const migrations = migrationsFor(TYPES[kind]);
  return { getMigrations: () => Promise.resolve(migrations) };
}

/** SQLite's (the default engine's) migrations. */
export const migrationProvider: MigrationProvider = migrationProviderFor('sqlite');
