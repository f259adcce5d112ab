/**
 * Error classes with a stable `code`, the context a person needs, and `toJSON()` for reports.
 */

export class TandemError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...details });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...this.details };
  }
}

/** A config or mapping file that cannot be used. The message names the file, key and fix. */
export class ConfigError extends TandemError {
  constructor(message: string, details: { file: string; path?: string; line?: number; column?: number }) {
    super('CONFIG_INVALID', message, details);
  }
}

/** A vendor answered with a shape that does not match its documented contract. */
export class VendorResponseError extends TandemError {
  constructor(message: string, details: { connector: string; endpoint: string; issues: string }) {
    super('VENDOR_RESPONSE_INVALID', message, details);
  }
}

/** A vendor answered with an error status or error body after retries. */
export class VendorError extends TandemError {
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    message: string,
    details: { connector: string; endpoint: string; status?: number; body?: string; retryable: boolean; code?: string },
  ) {
    super(details.code ?? 'VENDOR_ERROR', message, details);
    this.status = details.status;
    this.retryable = details.retryable;
  }
}

/** The network failed (reset, timeout, refused) after retries. */
export class TransportError extends TandemError {
  constructor(message: string, details: { url: string; method: string; cause: string }, cause?: unknown) {
    super('TRANSPORT_ERROR', message, details, cause);
  }
}

export function isTandemError(error: unknown): error is TandemError {
  return error instanceof TandemError;
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

/** A short printable description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
