/**
 * An in-memory connector that keeps the contract (keyset paging by (modifiedAt, id), results
 * per operation, create-if-absent by reference), for testing the pipeline's own logic: crash
 * points, failures, ordering. Vendor behaviour is tested against the sandboxes, not here.
 */
import {
  STALE_WRITE,
  capabilities,
  type ChangePage,
  type Connector,
  type ReadOptions,
  type SourceRecord,
  type WriteOperation,
  type WriteResult,
} from '../../connectors/types.js';

export interface MemoryConnector extends Connector {
  readonly records: Map<string, SourceRecord>;
  /** Called before each operation is applied; return a failure to make it fail. */
  failWith: ((op: WriteOperation) => { code: string; retryable: boolean } | undefined) | undefined;
  /** When set, writeBatch throws this (the vendor is down). */
  down: Error | undefined;
  writes: number;
  put(id: string, fields: Record<string, unknown>, modifiedAt?: string): void;
}

/** `clock`: share one between connectors so their modification times compare (the `latest` policy). */
export function memoryConnector(
  name: string,
  options: { pageSize?: number; batch?: number; clock?: { now: number }; optimisticConcurrency?: boolean } = {},
): MemoryConnector {
  const records = new Map<string, SourceRecord>();
  const clock = options.clock ?? { now: Date.UTC(2024, 0, 1) };
  let nextId = 1000;
  const tick = (): string => new Date((clock.now += 1000)).toISOString();

  const connector: MemoryConnector = {
    name,
    kind: 'memory',
    capabilities: capabilities({
      maxPageSize: options.pageSize ?? 10,
      maxWriteBatch: options.batch ?? 10,
      tombstones: true,
      optimisticConcurrency: options.optimisticConcurrency ?? false,
    }),
    records,
    failWith: undefined,
    down: undefined,
    writes: 0,
    put(id, fields, modifiedAt) {
      records.set(id, { id, modifiedAt: modifiedAt ?? tick(), deleted: false, fields });
    },
    reader: {
      async *readChanges(_object: string, options: ReadOptions): AsyncIterable<ChangePage> {
        let cursor = options.cursor;
        const size = Math.min(options.pageSize ?? 10, connector.capabilities.maxPageSize);
        for (;;) {
          const after = cursor;
          const page = [...records.values()]
            .filter(
              (r) =>
                after === null ||
                r.modifiedAt > after.modifiedAt ||
                (r.modifiedAt === after.modifiedAt && (after.lastId === null || Number(r.id) > Number(after.lastId))),
            )
            .sort((a, b) =>
              a.modifiedAt === b.modifiedAt ? Number(a.id) - Number(b.id) : a.modifiedAt < b.modifiedAt ? -1 : 1,
            )
            .slice(0, size);
          const last = page[page.length - 1];
          if (last === undefined) return;
          cursor = { modifiedAt: last.modifiedAt, lastId: last.id };
          yield { records: page, cursor };
          if (page.length < size) return;
        }
      },
    },
    writer: {
      async writeBatch(_object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]> {
        if (connector.down !== undefined) throw connector.down;
        return operations.map((op): WriteResult => {
          const failure = connector.failWith?.(op);
          if (failure !== undefined)
            return { key: op.key, ok: false, error: { ...failure, message: `injected ${failure.code}` } };
          if (op.action === 'archive') {
            const existing = records.get(op.targetId);
            if (existing === undefined)
              return { key: op.key, ok: false, error: { code: 'NOT_FOUND', message: 'gone', retryable: false } };
            records.set(op.targetId, { ...existing, deleted: true, modifiedAt: tick() });
            return { key: op.key, ok: true, id: op.targetId, created: false };
          }
          // Optimistic concurrency: a target modified after the planned version is not written.
          const now = op.targetId === null ? undefined : records.get(op.targetId);
          if (op.planned !== undefined && now !== undefined && now.modifiedAt > op.planned.version)
            return { key: op.key, ok: false, error: { code: STALE_WRITE, message: 'changed since', retryable: true } };
          connector.writes++;
          const byRef = [...records.values()].find((r) => r.fields[op.ref.field] === op.ref.value);
          const id = op.targetId ?? byRef?.id ?? String(nextId++);
          const created = !records.has(id);
          records.set(id, {
            id,
            modifiedAt: tick(),
            deleted: false,
            fields: { ...(records.get(id)?.fields ?? {}), ...op.fields },
          });
          return { key: op.key, ok: true, id, created };
        });
      },
    },
    lookup: {
      async findBy(_object: string, field: string, values: readonly string[]) {
        const wanted = new Set(values);
        if (field === 'id') return values.flatMap((id) => (records.has(id) ? [records.get(id) as SourceRecord] : []));
        return [...records.values()].filter(
          (r) => wanted.has(String(r.fields[field] ?? '').toLowerCase()) || wanted.has(String(r.fields[field] ?? '')),
        );
      },
    },
    schema: {
      async describe(object: string) {
        return { name: object, fields: [] };
      },
    },
    async check() {},
  };
  return connector;
}
