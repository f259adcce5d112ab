/** The HTTP layer's own failures: each a class with a stable `code` and the context a person needs. */
import { BrokenCircuitError } from 'cockatiel';
import { TandemError } from '../errors.js';

/**
 * A response body grew past the connector's cap (`maxResponseBytes`); the download was aborted
 * while streaming, so the process never held more than the cap.
 */
export class ResponseTooLargeError extends TandemError {
  constructor(details: { connector: string; method: string; url: string; capBytes: number; receivedBytes: number }) {
    super(
      'RESPONSE_TOO_LARGE',
      `${details.connector}: ${details.method} ${details.url} sent more than ${formatBytes(details.capBytes)} (the connector's maxResponseBytes); the download was aborted at ${formatBytes(details.receivedBytes)}. Ask for smaller pages (pageSize), or raise connectors.${details.connector}.maxResponseBytes if such answers are expected`,
      details,
    );
  }
}

/**
 * The vendor refuses every request until its quota resets (HubSpot's DAILY limit): the
 * connector's circuit is open until then. A `BrokenCircuitError`, so runs pause instead of
 * spending attempts.
 */
export class QuotaExhaustedError extends BrokenCircuitError {
  readonly code = 'QUOTA_EXHAUSTED';
  constructor(
    readonly connector: string,
    readonly until: number,
    reason: string,
  ) {
    super(
      `${connector}: ${reason}; requests are paused until about ${new Date(until).toISOString()} (the circuit stays open until then). Nothing is retried meanwhile; pending writes stay in the outbox`,
    );
    this.name = 'QuotaExhaustedError';
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, connector: this.connector, until: this.until };
  }
}

/** Bytes as a short human size (B, KiB, MiB) for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} B`;
}
