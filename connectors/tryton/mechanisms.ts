/**
 * A party's contact mechanisms as Tandem reads them: only active ones. Tandem reads with
 * `active_test: false` (a deactivated party is a tombstone it must see), and that context reaches
 * the party's one2many too, so Tryton's own `party.email` would then answer an inactive (retired)
 * address. The mechanisms are read nested instead, and the inactive ones left out: the first
 * active one of a type is what Tryton's client shows with default context, and what Tandem reads
 * and writes as the party's `email` / `phone`.
 */
import type { Mechanism } from './party.js';

/** The nested fields a read asks for to know the party's mechanisms. */
export const MECHANISM_READ = [
  'contact_mechanisms',
  'contact_mechanisms.type',
  'contact_mechanisms.value',
  'contact_mechanisms.active',
] as const;

type Row = Readonly<Record<string, unknown>>;

/** The party's active mechanisms in Tryton's order (sequence, id: the order of `contact_mechanisms`). */
export function activeMechanisms(row: Row): Mechanism[] {
  const ids = Array.isArray(row['contact_mechanisms']) ? (row['contact_mechanisms'] as unknown[]) : [];
  const order = new Map(ids.map((id, i) => [id, i]));
  const nested = Array.isArray(row['contact_mechanisms.']) ? (row['contact_mechanisms.'] as Row[]) : [];
  return nested
    .filter((m) => m['active'] !== false && m['active'] !== 0)
    .map((m) => ({
      id: Number(m['id']),
      type: String(m['type']),
      value: typeof m['value'] === 'string' && m['value'] !== '' ? m['value'] : null,
    }))
    .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** The values of the party's active mechanisms of one type, first (the one Tryton shows) first. */
export function mechanismValues(row: Row, type: string): string[] {
  return activeMechanisms(row).flatMap((m) => (m.type === type && m.value !== null ? [m.value] : []));
}
