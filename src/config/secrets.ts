/**
 * Secrets come from environment variables or files, never from the YAML in clear. A file
 * secret is re-read when its modification time changes, so a rotated key takes effect without
 * a restart. Only a connector bound to the embedded sandbox has a default: the sandbox's own
 * well-known development credential.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TandemError } from '../errors.js';
import type { SecretRef } from './schema.js';

export class SecretError extends TandemError {
  constructor(message: string, details: { connector: string; secret: string }) {
    super('SECRET_MISSING', message, details);
  }
}

export interface SecretSource {
  readonly connector: string;
  readonly refs: Readonly<Record<string, SecretRef>>;
  /** Base folder for relative secret files (the config file's folder). */
  readonly baseDir: string;
  /** Defaults by secret name, used only when the reference yields nothing (sandbox). */
  readonly defaults?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
}

/** Returns a reader: `secret(name)` gives the current value, or throws a SecretError saying how to set it. */
export function createSecretReader(source: SecretSource): (name: string) => string {
  const env = source.env ?? process.env;
  const fileCache = new Map<string, { mtimeMs: number; value: string }>();

  const readFile = (file: string): string | undefined => {
    const absolute = path.resolve(source.baseDir, file);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      return undefined;
    }
    const cached = fileCache.get(absolute);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) return cached.value;
    const value = fs.readFileSync(absolute, 'utf8').trim();
    fileCache.set(absolute, { mtimeMs: stat.mtimeMs, value });
    return value;
  };

  return (name) => {
    const ref = source.refs[name];
    let value: string | undefined;
    if (ref !== undefined) value = 'env' in ref ? env[ref.env] : readFile(ref.file);
    if (value !== undefined && value !== '') return value;
    const fallback = source.defaults?.[name];
    if (fallback !== undefined) return fallback;
    const how =
      ref === undefined
        ? `add connectors.${source.connector}.secrets.${name}: { env: VARIABLE } (or { file: path })`
        : 'env' in ref
          ? `set the environment variable ${ref.env}`
          : `create the file ${ref.file}`;
    throw new SecretError(`connector "${source.connector}" needs the secret "${name}": ${how}`, {
      connector: source.connector,
      secret: name,
    });
  };
}

/**
 * Why `ref` yields no secret now (an unset or empty variable; a missing, unreadable or empty
 * file), worded as what to do; undefined when it yields one. Checked before anything starts.
 */
export function secretProblem(
  ref: SecretRef,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined)
      return `the environment variable ${ref.env} is not set; set it to the secret, or use { file: path }`;
    return value === '' ? `the environment variable ${ref.env} is empty; set it to the secret` : undefined;
  }
  const file = path.resolve(baseDir, ref.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return `the secret file ${file} does not exist; create it (the secret on one line, mode 0600)`;
    if (code === 'EISDIR') return `the secret file ${file} is a directory; point file: at the file holding the secret`;
    if (code === 'EACCES') return `the secret file ${file} cannot be read by this user (permission denied)`;
    return `the secret file ${file} cannot be read (${code ?? String(error)})`;
  }
  return text.trim() === '' ? `the secret file ${file} is empty; write the secret into it` : undefined;
}
