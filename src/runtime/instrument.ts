/**
 * The runtime layer around every connector, as kysely's RuntimeDriver wraps a raw driver: the
 * engine never calls a connector directly. It logs each call with its duration and enforces the
 * connector's declared limits. Resilience (breaker, retries, rate limits, timeouts) is one policy
 * per connector on its HTTP transport (src/http/policy.ts); the circuit is carried here so that
 * status, health and readiness can show it.
 */
import type {
  ChangePage,
  Connector,
  CountOptions,
  LookupOptions,
  LookupTerm,
  PropertySpec,
  ReadOptions,
  SourceRecord,
  WriteOperation,
} from '../../connectors/types.js';
import { TandemError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Circuit } from './breaker.js';
import type { ServerClock } from './server-clock.js';

/** A connector as the engine holds it: wrapped, with its circuit breaker when it has one. */
export interface RuntimeConnector extends Connector {
  readonly circuit?: Circuit;
  /** The vendor's clock, from its `Date` headers; the engine's local clock when absent. */
  readonly clock?: ServerClock;
  /** How far behind the vendor's now a checkpoint stays (see connectors/cursor.ts `settleLimit`); 0 when absent. */
  readonly settleSeconds?: number;
}

/**
 * Wraps `connector`: every call is timed and logged. `circuit` is the breaker its transport runs
 * under; while it is open the connector's requests fail fast with a BrokenCircuitError.
 */
export function instrumentConnector(connector: Connector, logger: Logger, circuit?: Circuit): RuntimeConnector {
  const timed = timer(logger.child({ connector: connector.name, kind: connector.kind }));
  const merges = connector.merges;
  const properties = connector.properties;
  const findByAny = connector.lookup.findByAny?.bind(connector.lookup);
  return Object.freeze({
    ...(circuit === undefined ? {} : { circuit }),
    name: connector.name,
    kind: connector.kind,
    capabilities: connector.capabilities,
    reader: timedReader(connector, timed),
    writer: {
      writeBatch(object: string, operations: readonly WriteOperation[]) {
        if (operations.length > connector.capabilities.maxWriteBatch) {
          throw new TandemError(
            'BATCH_TOO_LARGE',
            `${connector.name}: ${operations.length} operations exceed the batch limit ${connector.capabilities.maxWriteBatch}`,
          );
        }
        return timed('write batch', { object, operations: operations.length }, () =>
          connector.writer.writeBatch(object, operations),
        );
      },
    },
    lookup: {
      findBy(
        object: string,
        field: string,
        values: readonly string[],
        fields?: readonly string[],
        options?: LookupOptions,
      ) {
        if (values.length === 0) return Promise.resolve([]);
        return timed('lookup', { object, field, values: values.length }, () =>
          connector.lookup.findBy(object, field, values, fields, options),
        );
      },
      ...(findByAny === undefined
        ? {}
        : {
            findByAny(object: string, terms: readonly LookupTerm[], fields?: readonly string[]) {
              const asked = terms.filter((t) => t.values.length > 0);
              if (asked.length === 0) return Promise.resolve([]);
              const what = Object.fromEntries(asked.map((t) => [t.field, t.values.length]));
              return timed('lookup', { object, values: what }, () => findByAny(object, asked, fields));
            },
          }),
    },
    schema: {
      describe(object: string) {
        return timed('describe', { object }, () => connector.schema.describe(object));
      },
    },
    check() {
      return timed('check', {}, () => connector.check());
    },
    ...(merges === undefined ? {} : { merges: timedMerges(merges, timed) }),
    ...(properties === undefined
      ? {}
      : {
          properties: {
            ensure: (object: string, specs: readonly PropertySpec[]) =>
              timed('ensure properties', { object, properties: specs.length }, () => properties.ensure(object, specs)),
          },
        }),
    ...(connector.recordUrl === undefined
      ? {}
      : { recordUrl: (object: string, id: string) => connector.recordUrl?.(object, id) }),
  });
}

/** Runs a call, logging it with its duration: at debug when it succeeds, at warn when it throws. */
type Timed = <T>(what: string, fields: Record<string, unknown>, call: () => Promise<T>) => Promise<T>;

function timer(log: Logger): Timed {
  return async (what, fields, call) => {
    const started = performance.now();
    try {
      const result = await call();
      log.debug({ ...fields, ms: Math.round(performance.now() - started) }, what);
      return result;
    } catch (error) {
      log.warn({ ...fields, ms: Math.round(performance.now() - started), err: error }, `${what} failed`);
      throw error;
    }
  };
}

/** The reader with each page timed and the page size capped at the connector's maximum. */
function timedReader(connector: Connector, timed: Timed): Connector['reader'] {
  const caps = connector.capabilities;
  const count = connector.reader.count?.bind(connector.reader);
  return {
    async *readChanges(object: string, options: ReadOptions): AsyncIterable<ChangePage> {
      const pageSize = Math.min(options.pageSize ?? caps.maxPageSize, caps.maxPageSize);
      const iterator = connector.reader.readChanges(object, { ...options, pageSize })[Symbol.asyncIterator]();
      for (;;) {
        const next = await timed('read page', { object }, () => iterator.next());
        if (next.done === true) return;
        yield next.value;
      }
    },
    ...(count === undefined
      ? {}
      : {
          count: (object: string, options: CountOptions) => timed('count', { object }, () => count(object, options)),
        }),
  };
}

function timedMerges(merges: NonNullable<Connector['merges']>, timed: Timed): NonNullable<Connector['merges']> {
  return {
    traceFields: merges.traceFields,
    mergedInto: (object: string, records: readonly SourceRecord[]) =>
      timed('merge traces', { object, records: records.length }, () => merges.mergedInto(object, records)),
    survivorsOf: (object: string, ids: readonly string[]) =>
      timed('merge survivors', { object, ids: ids.length }, () => merges.survivorsOf(object, ids)),
    merge: (object: string, survivorId: string, loserId: string) =>
      timed('merge', { object, survivorId, loserId }, () => merges.merge(object, survivorId, loserId)),
  };
}
