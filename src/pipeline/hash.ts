/** Deterministic hashing for payloads and idempotency keys. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function payloadHash(payload: unknown): string {
  return sha256(stableStringify(payload));
}

/** hash(sync, target side, source id, payload hash): the same intended write always has the same key. */
export function idempotencyKey(sync: string, targetSide: string, sourceId: string, hash: string): string {
  return sha256(`${sync}\u0000${targetSide}\u0000${sourceId}\u0000${hash}`).slice(0, 40);
}
