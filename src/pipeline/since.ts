/** Where a backfill starts, as the CLI and the control API take it. */
import { TandemError } from '../errors.js';

/** Accepts an ISO date or date-time; returns ISO 8601 UTC. */
export function parseSince(text: string): string {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new TandemError('USAGE', `--since "${text}" is not a date; write e.g. 2024-01-01 or 2024-01-01T12:00:00Z`);
  return new Date(time).toISOString();
}
