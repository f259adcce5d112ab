/** An error that becomes an HTTP answer: status, a stable code, and a message for the caller. */
import { TandemError } from '../errors.js';

export class HttpError extends TandemError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message, { status });
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
