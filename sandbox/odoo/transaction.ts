/**
 * When a write's transaction stamps its rows and when it commits. Odoo stamps `write_date` (and
 * `create_date`) with `cr.now()`: PostgreSQL's `now()`, the time the transaction STARTED
 * (odoo/sql_db.py; https://www.postgresql.org/docs/current/functions-datetime.html), and other
 * readers see the rows only at COMMIT. A long transaction therefore commits rows dated before rows
 * that a reader has already seen, and before a cursor it may already have saved.
 *
 * The sandbox models it for `create` and `write`: the stamp is taken when the request arrives, the
 * rows are written (and visible) only after the commit delay. The delay is drawn per write from
 * the `commitDelayMs` fault, or set for one call by the sandbox-only context key
 * `sandbox_commit_delay_ms`; `sandbox_clock_offset_ms` stamps one call ahead (or behind) of the
 * server's clock, as rows written while a server's clock was wrong are. Real Odoo ignores context
 * keys it does not know.
 */

/** Methods that stamp `write_date`. */
const STAMPING = new Set(['create', 'write']);

export interface TransactionTiming {
  /** How long after its stamp the transaction commits, ms. */
  readonly commitDelayMs: number;
  /** How far the stamp is from the server's clock, ms (a clock that was ahead: positive). */
  readonly clockOffsetMs: number;
}

const numberIn = (context: Record<string, unknown>, key: string): number | undefined => {
  const value = context[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/**
 * The timing of a JSON-RPC body's transaction, or undefined when it stamps nothing (a read, a
 * login) or is plain (no delay, no offset). `drawDelay` draws the `commitDelayMs` fault.
 */
export function transactionTiming(body: unknown, drawDelay: () => number): TransactionTiming | undefined {
  const params = (body as { params?: { service?: unknown; method?: unknown; args?: unknown } } | null)?.params;
  if (params?.service !== 'object' || params.method !== 'execute_kw' || !Array.isArray(params.args)) return undefined;
  const args: unknown[] = params.args;
  if (!STAMPING.has(String(args[4]))) return undefined;
  const kwargs = args[6];
  const raw = typeof kwargs === 'object' && kwargs !== null ? (kwargs as { context?: unknown }).context : undefined;
  const context = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const commitDelayMs = Math.max(0, numberIn(context, 'sandbox_commit_delay_ms') ?? drawDelay());
  const clockOffsetMs = numberIn(context, 'sandbox_clock_offset_ms') ?? 0;
  return commitDelayMs === 0 && clockOffsetMs === 0 ? undefined : { commitDelayMs, clockOffsetMs };
}
