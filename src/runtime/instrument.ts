/**
 * The runtime layer around every connector, as kysely's RuntimeDriver wraps a raw driver: the
 * engine never calls a connector directly. It logs each call with its duration, enforces the
 * connector's declared limits, and is where rate limiting and the circuit breaker attach.
 */
import type {
  ChangePage,
  Connector,
  CountOptions,
  LookupOptions,
  ReadOptions,
  WriteOperation,
} from '../../connectors/types.js';
import { TandemError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Circuit } from './breaker.js';

/** A connector as the engine holds it: wrapped, with its circuit breaker when it has one. */
export interface RuntimeConnector extends Connector {
  readonly circuit?: Circuit;
}

/**
 * Wraps `connector`: every call is timed and logged and goes through `circuit` (if given), which
 * fails fast with a BrokenCircuitError while the vendor is considered down.
 */
export function instrumentConnector(connector: Connector, logger: Logger, circuit?: Circuit): RuntimeConnector {
  const log = logger.child({ connector: connector.name, kind: connector.kind });
  const caps = connector.capabilities;
  const count = connector.reader.count?.bind(connector.reader);

  async function timed<T>(what: string, fields: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = circuit === undefined ? await call() : await circuit.policy.execute(() => call());
      log.debug({ ...fields, ms: Math.round(performance.now() - started) }, what);
      return result;
    } catch (error) {
      log.warn({ ...fields, ms: Math.round(performance.now() - started), err: error }, `${what} failed`);
      throw error;
    }
  }

  return Object.freeze({
    ...(circuit === undefined ? {} : { circuit }),
    name: connector.name,
    kind: connector.kind,
    capabilities: caps,
    reader: {
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
    },
    writer: {
      writeBatch(object: string, operations: readonly WriteOperation[]) {
        if (operations.length > caps.maxWriteBatch) {
          throw new TandemError(
            'BATCH_TOO_LARGE',
            `${connector.name}: ${operations.length} operations exceed the batch limit ${caps.maxWriteBatch}`,
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
    },
    schema: {
      describe(object: string) {
        return timed('describe', { object }, () => connector.schema.describe(object));
      },
    },
    check() {
      return timed('check', {}, () => connector.check());
    },
    ...(connector.recordUrl === undefined
      ? {}
      : { recordUrl: (object: string, id: string) => connector.recordUrl?.(object, id) }),
  });
}
