/** A bare JSON-RPC client for protocol tests: the exact `result` or `error` envelope the sandbox answers. */
import { SECRET } from './helpers.js';

export interface OdooError {
  readonly code: number;
  readonly message: string;
  readonly data: { readonly name: string; readonly message: string; readonly arguments: readonly unknown[] };
}

export type Answer = { readonly result: unknown; readonly error?: undefined } | { readonly error: OdooError };

/** `object.execute_kw` on the sandbox at `url` as the admin. */
export async function executeKw(
  url: string,
  model: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> = {},
): Promise<Answer> {
  const response = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      id: 1,
      params: { service: 'object', method: 'execute_kw', args: ['tandem', 2, SECRET, model, method, args, kwargs] },
    }),
  });
  const body = (await response.json()) as { result?: unknown; error?: OdooError };
  return body.error === undefined ? { result: body.result } : { error: body.error };
}

/** The result of a call that must succeed; a failure throws with Odoo's message. */
export async function ok<T = unknown>(
  url: string,
  model: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> = {},
): Promise<T> {
  const answer = await executeKw(url, model, method, args, kwargs);
  if (answer.error !== undefined) throw new Error(`${answer.error.data.name}: ${answer.error.data.message}`);
  return answer.result as T;
}

/** The error of a call that must fail. */
export async function refused(
  url: string,
  model: string,
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> = {},
): Promise<OdooError> {
  const answer = await executeKw(url, model, method, args, kwargs);
  if (answer.error === undefined) throw new Error(`${model}.${method} succeeded: ${JSON.stringify(answer.result)}`);
  return answer.error;
}
