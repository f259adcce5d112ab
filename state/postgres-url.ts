/**
 * The PostgreSQL URL of the state store, taken apart. It may not carry a password (a secret is
 * never written in the config in clear) nor query parameters: libpq's `sslmode=` and the like
 * would silently override the TLS settings, which are the config's `state.tls`.
 */

export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** The URL as shown in messages and logs. */
  readonly display: string;
}

/** Why `url` cannot be the state store's, worded as what to do; undefined when it can. */
export function postgresUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url.replace(/:[^:@/]*@/, ':***@')}" is not a URL; write postgres://user@host:5432/database`;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    return `the state store URL must start with postgres:// (got ${parsed.protocol}//)`;
  if (parsed.password !== '')
    return 'the state store URL holds a password: remove it and set state.password: { env: VARIABLE } (or { file: path })';
  if (parsed.search !== '')
    return 'the state store URL has query parameters: remove them; TLS is set under state.tls, the pool under state.poolSize';
  if (parsed.hostname === '') return 'the state store URL names no host: postgres://user@host:5432/database';
  if (parsed.username === '') return 'the state store URL names no user: postgres://user@host:5432/database';
  if (parsed.pathname.length <= 1) return 'the state store URL names no database: postgres://user@host:5432/database';
  return undefined;
}

/** The parts of a URL {@link postgresUrlProblem} accepts; throws with that problem otherwise. */
export function parsePostgresUrl(url: string): PostgresTarget {
  const problem = postgresUrlProblem(url);
  if (problem !== undefined) throw new Error(problem);
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  const user = decodeURIComponent(parsed.username);
  return {
    host,
    port,
    database,
    user,
    display: `postgres://${parsed.username}@${parsed.host}/${parsed.pathname.slice(1)}`,
  };
}
