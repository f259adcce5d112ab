/**
 * The console's calls to the daemon: same origin, the session cookie sent by the browser, and the
 * session's CSRF token in a header on everything that changes state (the server refuses it without).
 */
let csrf: string | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/console/session')) signedOut();
    throw new ApiError(response.status, data?.error ?? 'HTTP', data?.message ?? response.statusText);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string): Promise<T> => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body),
};

type Listener = (signedIn: boolean) => void;
const listeners = new Set<Listener>();
export function onSession(listener: Listener): void {
  listeners.add(listener);
}
function signedOut(): void {
  csrf = null;
  for (const l of listeners) l(false);
}

/** The session the cookie still holds (a reload of the page), if any. */
export async function resumeSession(): Promise<boolean> {
  try {
    csrf = (await call<{ csrf: string }>('GET', '/console/session')).csrf;
    return true;
  } catch {
    return false;
  }
}

export async function signIn(token: string): Promise<void> {
  csrf = (await call<{ csrf: string }>('POST', '/console/session', { token })).csrf;
  for (const l of listeners) l(true);
}

export async function signOut(): Promise<void> {
  await call('POST', '/console/session/end', {});
  signedOut();
}

export const enc = encodeURIComponent;
