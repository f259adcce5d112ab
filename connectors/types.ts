/**
 * The connector contract: the one interface every external system (HubSpot, Odoo, Tryton, ...)
 * implements, split by role as kysely splits a dialect. A connector is plain I/O: the engine
 * injects the HTTP transport (with retries, timeouts and logging already applied) through
 * {@link ConnectorContext}, and wraps the connector in its own runtime layer.
 *
 * Optional capabilities have defaults in {@link DEFAULT_CAPABILITIES}; adding a capability never
 * forces every connector to change.
 */
import type { z } from 'zod';
import type { HttpTransport } from '../src/http/transport.js';
import type { Logger } from '../src/logger.js';

/** One record as read from a system. `fields` holds the vendor's own property names and values. */
export interface SourceRecord {
  /** The vendor's id, as a string (`hs_object_id`, Odoo's integer id, ...). */
  readonly id: string;
  /** The record's modification time, ISO 8601 UTC (`2024-05-01T10:00:00.000Z`). */
  readonly modifiedAt: string;
  /** True for a tombstone: HubSpot `archived`, Odoo `active = false`. */
  readonly deleted: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * Optional, for a field that holds several values of which `fields` shows the first (a Tryton
   * party's active emails): all of them, first first. Match keys compare against each; only the
   * first is mapped, read and written.
   */
  readonly alternates?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Where incremental reading resumes: the modification time of the last record read and, when
 * known exactly, the last id read at that time (the tie-breaker). `lastId: null` means "re-read
 * every record at `modifiedAt`": always safe, since writes are idempotent.
 */
export interface Cursor {
  readonly modifiedAt: string;
  readonly lastId: string | null;
}

/** One page of changes, in ascending (modifiedAt, id) order, with the cursor to resume after it. */
export interface ChangePage {
  readonly records: readonly SourceRecord[];
  readonly cursor: Cursor;
}

export interface ReadOptions {
  /** Resume after this cursor; `null` reads from the beginning. */
  readonly cursor: Cursor | null;
  /** Vendor property names to fetch; the connector adds what it needs for ids and times. */
  readonly fields: readonly string[];
  /** Records per page; the connector clamps it to its capability. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /**
   * The sync's filter, as far as a vendor query can say it (filter pushdown): a connector adds to
   * its query the conditions it can express and ignores the rest. The engine still evaluates the
   * whole filter on every record read, so a connector must only ever leave out records the filter
   * refuses (a superset is fine; a record the filter keeps must never be missed). Default: none.
   */
  readonly filter?: readonly FilterCondition[];
}

/**
 * One condition of a sync's filter that a vendor query may carry, on a top-level field: `present`
 * (not empty: Odoo `!= False`, Tryton `!= None`, HubSpot `HAS_PROPERTY`) or `equals` a boolean.
 */
export type FilterCondition =
  | { readonly field: string; readonly test: 'present' }
  | { readonly field: string; readonly test: 'equals'; readonly value: boolean };

/**
 * Reads changes. The contract: resuming from any page's cursor yields every record changed after
 * it that an earlier page did not yield (a record may be yielded again; never skipped).
 */
export interface ChangeReader {
  readChanges(object: string, options: ReadOptions): AsyncIterable<ChangePage>;
  /**
   * Optional: about how many records `readChanges` yields from `since` on (tombstones included
   * where the reader yields them), for a backfill's progress bar and ETA. An estimate: records
   * change while they are read. Without it, a backfill shows counts and rate but no ETA.
   */
  count?(object: string, options: CountOptions): Promise<number>;
}

export interface CountOptions {
  /** Records modified at or after this instant (ISO 8601); `null` counts them all. */
  readonly since: string | null;
  readonly signal?: AbortSignal;
}

/** An intended write on one object. `key` is the idempotency key the engine derived. */
export type WriteOperation = UpsertOperation | ArchiveOperation;

export interface UpsertOperation {
  readonly action: 'upsert';
  readonly key: string;
  /** The target id when the engine already knows it (a linked record); otherwise null. */
  readonly targetId: string | null;
  /**
   * The external reference that identifies the record on this side without its id: the field
   * that holds it and its value. Used for upsert-by-external-id or create-if-absent.
   */
  readonly ref: { readonly field: string; readonly value: string };
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * The state of the target the engine planned this write on, for a connector with
   * `capabilities.optimisticConcurrency` (absent otherwise, and for a create).
   */
  readonly planned?: PlannedVersion;
  /**
   * True when the engine looked `ref` up on this side while planning this create, in this run,
   * found no record holding it at all, and has sent no attempt of this operation since: a
   * create-if-absent may skip its own lookup (one request fewer per page). Never set on a retry, on
   * an operation from an earlier run, or on one planned before a crash. Connectors may ignore it.
   */
  readonly refAbsent?: boolean;
}

/** The target record's version as read when the write was planned (at pull time, not at delivery). */
export interface PlannedVersion {
  /** The target's `modifiedAt` as read then, by the reader or the lookup. */
  readonly version: string;
}

/**
 * The code of a write the connector refused because its target changed after the write was
 * planned (a version newer than {@link PlannedVersion}, or the vendor's own optimistic-concurrency
 * refusal such as Tryton's ConcurrencyException). Nothing was written; the engine plans the write
 * again from a fresh read through the three-way merge instead of resending it.
 */
export const STALE_WRITE = 'STALE_WRITE';

export interface ArchiveOperation {
  readonly action: 'archive';
  readonly key: string;
  readonly targetId: string;
}

/** The outcome of one operation in a batch: partial failure is normal. */
export type WriteResult =
  | { readonly key: string; readonly ok: true; readonly id: string; readonly created: boolean }
  | { readonly key: string; readonly ok: false; readonly error: WriteFailure };

export interface WriteFailure {
  /** A stable code, e.g. `VALIDATION_ERROR`, `RATE_LIMITED`, `NOT_FOUND`. */
  readonly code: string;
  readonly message: string;
  /** True when the same operation may succeed later (429, 5xx, timeout). */
  readonly retryable: boolean;
  /** The vendor's status and an excerpt of its error body, kept for dead letters. */
  readonly vendor?: { readonly status?: number; readonly body?: string };
}

/** Writes batches; the batch size never exceeds `capabilities.maxWriteBatch`. */
export interface RecordWriter {
  writeBatch(object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]>;
}

/**
 * How a lookup compares text, for a match key that normalises it (`[collapseWhitespace,
 * lowercase]`). Default: exact. A connector may return more candidates than asked (a broad
 * pattern); the engine keeps those whose normalised key is equal.
 */
export interface LookupOptions {
  /** Compare without letter case (Odoo `=ilike`, Tryton `ilike`). */
  readonly ignoreCase?: boolean;
  /** Any run of white space between words matches any other run (Odoo and Tryton: a `%` pattern). */
  readonly looseSpace?: boolean;
}

/** One field's values to look for, compared as `options` says: a term of {@link RecordLookup.findByAny}. */
export interface LookupTerm {
  readonly field: string;
  readonly values: readonly string[];
  readonly options?: LookupOptions;
}

/** Finds records by the value of one field (external reference, match key, id), archived included. */
export interface RecordLookup {
  /**
   * `fields`: vendor properties the records must carry besides `field` (the reconciler reads the
   * mapped fields of the other side this way); a connector may return more. `options`: how text
   * compares (exact by default), for match keys.
   */
  findBy(
    object: string,
    field: string,
    values: readonly string[],
    fields?: readonly string[],
    options?: LookupOptions,
  ): Promise<SourceRecord[]>;
  /**
   * Optional: the records any of `terms` finds, in as few requests as the vendor's query language
   * allows (Odoo: one `search_read` with the terms OR-ed, where `findBy` would make one per term).
   * Each record once; the union of what `findBy` finds for each term, compared the same way, and
   * possibly more (as `findBy` may). The engine asks a page's references and first match key this
   * way (src/pipeline/counterparts.ts); without it, it calls `findBy` per term.
   */
  findByAny?(object: string, terms: readonly LookupTerm[], fields?: readonly string[]): Promise<SourceRecord[]>;
}

export interface FieldDescription {
  readonly name: string;
  readonly label: string;
  /** A coarse type: string, number, boolean, datetime, date, enumeration, reference, other. */
  readonly type: string;
  readonly readOnly: boolean;
  /**
   * An enumeration's values, where the vendor lists them (HubSpot's property `options[].value`,
   * Odoo's `selection` values): a mapping's condition value outside them is refused at load.
   * Absent when the vendor gives no fixed list.
   */
  readonly options?: readonly string[];
}

export interface ObjectDescription {
  readonly name: string;
  readonly fields: readonly FieldDescription[];
}

/** Describes objects and their fields (HubSpot's properties API, Odoo's `fields_get`). */
export interface SchemaDescriber {
  describe(object: string): Promise<ObjectDescription>;
}

/**
 * Optional: the vendor merges duplicates (HubSpot's merge endpoint, Odoo's partner merge wizard).
 * Without it a merged-away record looks like one deleted outright.
 */
export interface MergeSupport {
  /** Vendor fields `mergedInto` reads from the records it is given; the engine adds them to its reads. */
  readonly traceFields: readonly string[];
  /** The ids merged into each of these live records, per survivor id; records without any are absent. */
  mergedInto(object: string, records: readonly SourceRecord[]): Promise<Map<string, string[]>>;
  /** For ids that vanished: the live record each was merged into (old id -> survivor id); others are absent. */
  survivorsOf(object: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Merges `loserId` into `survivorId` through the vendor's API; resolves to the resulting record's id. */
  merge(object: string, survivorId: string, loserId: string): Promise<string>;
}

/** A property a sync needs on the vendor's side (e.g. the CRM fields an ERP writes back). */
export interface PropertySpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'string' | 'number' | 'date' | 'datetime';
}

/**
 * Optional: the connector creates custom properties (HubSpot's properties API). `ensure` creates
 * the specs the object lacks and resolves to the names it created (empty when all existed).
 */
export interface PropertySupport {
  ensure(object: string, specs: readonly PropertySpec[]): Promise<string[]>;
}

/** What a connector can do. Every flag has a default in {@link DEFAULT_CAPABILITIES}. */
export interface Capabilities {
  /** Largest page `readChanges` asks for. */
  readonly maxPageSize: number;
  /** Largest batch `writeBatch` accepts. */
  readonly maxWriteBatch: number;
  /** Upserts by a unique external-id property in one call (HubSpot `idProperty`). */
  readonly upsertByExternalId: boolean;
  /** Reads yield deleted/archived records as tombstones. */
  readonly tombstones: boolean;
  /** The API honours an `Idempotency-Key` header. */
  readonly idempotencyKeyHeader: boolean;
  /** The field `lookup.findBy` takes to find records by their own id. Default `id`. */
  readonly idField: string;
  /**
   * The boolean field that archives a record when false and restores it when true (Odoo's and
   * Tryton's `active`); null when an archived record cannot be restored through the API (HubSpot).
   */
  readonly activeField: string | null;
  /**
   * Optimistic concurrency: the connector honours {@link UpsertOperation.planned}. An update whose
   * target's version is newer than the planned one, or that the vendor refuses because the record
   * changed in flight, fails with {@link STALE_WRITE} and writes nothing; the engine then re-plans
   * it. Default false: operations carry no planned version and are written as they are.
   */
  readonly optimisticConcurrency: boolean;
  /**
   * A record's `modifiedAt` changes with every edit: two edits never share one (HubSpot's
   * milliseconds, Tryton's microseconds; not Odoo's whole seconds). The engine then skips a re-read
   * record whose version it already merged. Default false: versions are trusted only once settled.
   */
  readonly exactVersions: boolean;
  /**
   * Per object, the fields the vendor keeps unique among its records, compared without letter case
   * and surrounding white space: it refuses a create or update that would give a second record a
   * value another holds (HubSpot contacts' `email`: 409 "Contact already exists"). The engine then
   * skips looking for same-side twins of a match key on that field (two unlinked records sharing a
   * value, see src/pipeline/match-keys.ts), since there can be none. List only what the vendor
   * enforces on every write path; a field it merely recommends keeping unique (HubSpot companies'
   * `domain`) must not be here. Default `{}`: every field may repeat.
   */
  readonly uniqueFields: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_CAPABILITIES: Capabilities = Object.freeze({
  maxPageSize: 100,
  maxWriteBatch: 50,
  upsertByExternalId: false,
  tombstones: false,
  idempotencyKeyHeader: false,
  idField: 'id',
  activeField: null,
  optimisticConcurrency: false,
  exactVersions: false,
  uniqueFields: Object.freeze({}),
});

/** Everything a connector may use, injected by the engine. */
export interface ConnectorContext {
  /** HTTP with the engine's timeout, retry and logging policy; the connector adds auth. */
  readonly http: HttpTransport;
  readonly logger: Logger;
  /** Reads a secret by its configured reference; re-read on every call (rotation). */
  readonly secret: (name: string) => string;
}

/** A connector instance: one configured system. */
export interface Connector {
  /** The instance name from the config (`crm`, `erp`). */
  readonly name: string;
  /** The connector kind (`hubspot`, `odoo`). */
  readonly kind: string;
  readonly capabilities: Capabilities;
  readonly reader: ChangeReader;
  readonly writer: RecordWriter;
  readonly lookup: RecordLookup;
  readonly schema: SchemaDescriber;
  /** Merges: detected and made through the vendor's own merge, where it has one. */
  readonly merges?: MergeSupport;
  /** Custom properties: created where missing, for the fields a sync writes to this side. */
  readonly properties?: PropertySupport;
  /** One cheap authenticated request that proves the credentials work. */
  check(): Promise<void>;
  /** The record's page in the vendor's web UI, where its URL pattern is known (drift reports link to it). */
  recordUrl?(object: string, id: string): string | undefined;
}

/** A connector kind: its config schema and a factory. Registered in `connectors/index.ts`. */
export interface ConnectorFactory<Config = unknown> {
  readonly kind: string;
  /** Validates the connector's block of the config file (minus `kind`). */
  readonly configSchema: z.ZodType<Config>;
  create(name: string, config: Config, ctx: ConnectorContext): Connector;
}

/** Fills the defaults of optional capabilities. */
export function capabilities(partial: Partial<Capabilities>): Capabilities {
  return Object.freeze({ ...DEFAULT_CAPABILITIES, ...partial });
}
