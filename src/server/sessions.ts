/**
 * Console sessions: a person signs in with the API token once and gets a short-lived session, kept
 * in this process only (a restart signs everyone out). The browser holds the session id in a signed,
 * HttpOnly, SameSite=Strict cookie, which scripts cannot read; every state-changing request must also
 * send the session's CSRF token in a header (which a cross-site page cannot learn), and a browser's
 * Origin / Sec-Fetch-Site, when sent, must say same origin. A rotated API token ends every session.
 */
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'tandem_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 15 * 60_000;
/** ...and this long after sign-in, whatever happens. */
export const SESSION_MAX_MS = 8 * 60 * 60_000;

export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly tokenHash: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

const hash = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');

/** Constant time for equal lengths; strings of different lengths are simply different. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export class ConsoleSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly idleMs = SESSION_IDLE_MS,
    readonly maxMs = SESSION_MAX_MS,
  ) {}

  /** A new session for whoever presented `token` (checked by the caller). */
  create(token: string): Session {
    this.prune();
    const at = this.now();
    const session: Session = {
      id: crypto.randomBytes(32).toString('base64url'),
      csrf: crypto.randomBytes(32).toString('base64url'),
      tokenHash: hash(token),
      createdAt: at,
      lastSeenAt: at,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session `id`, its idle time restarted; undefined when unknown, expired or signed in with an older token. */
  find(id: string, currentToken: string): Session | undefined {
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    const at = this.now();
    if (!this.alive(session, at) || session.tokenHash !== hash(currentToken)) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = at;
    return session;
  }

  /** When the session ends if nothing else happens (epoch ms). */
  expiresAt(session: Session): number {
    return Math.min(session.lastSeenAt + this.idleMs, session.createdAt + this.maxMs);
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private alive(session: Session, at: number): boolean {
    return at < this.expiresAt(session);
  }

  private prune(): void {
    const at = this.now();
    for (const [id, session] of this.sessions) if (!this.alive(session, at)) this.sessions.delete(id);
  }
}

/** Methods that change nothing; every other one needs the CSRF header with a session. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a browser request is not from this server's own pages, or undefined when it may be: a
 * cross-site or cross-origin `Sec-Fetch-Site`, or an `Origin` whose host is not the `Host`.
 * Clients that send neither (curl, the CLI) are judged by the CSRF token alone.
 */
export function crossOrigin(request: FastifyRequest): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${String(site)}`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `Origin: ${origin}`;
  }
  return host === request.headers.host ? undefined : `Origin: ${origin}`;
}
