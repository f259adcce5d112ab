/**
 * Structured logging (pino) with secrets redacted. Every component takes a `Logger` as an
 * argument; there is no module-level logger.
 */
import path from 'node:path';
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

/** Paths redacted in every log line: auth headers, tokens, passwords, API keys. */
export const REDACT_PATHS = [
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'client_secret',
  '*.client_secret',
  'passphrase',
  '*.passphrase',
  'headers.cookie',
  '*.headers.cookie',
  'headers["x-hubspot-signature-v3"]',
  '*.headers["x-hubspot-signature-v3"]',
  'headers["x-tandem-signature"]',
  '*.headers["x-tandem-signature"]',
];

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; defaults to stdout (fd 1). */
  readonly destination?: DestinationStream | 1 | 2;
  /** Extra paths to redact (the config's `log.redact`: personal data such as `*.email`). */
  readonly redact?: readonly string[];
  /**
   * A file that gets every line too (the config's `log.file`), appended to; created mode 0600,
   * its folder made when missing.
   */
  readonly file?: string | undefined;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const main =
    typeof options.destination === 'object' ? options.destination : pino.destination(options.destination ?? 1);
  return pino(
    {
      level: options.level ?? process.env['TANDEM_LOG_LEVEL'] ?? 'info',
      base: { service: 'tandem' },
      redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: uniqueKeys },
    },
    options.file === undefined
      ? main
      : pino.multistream([
          // Each stream takes every level: the logger's own level (changed on SIGHUP) is the filter.
          { stream: main, level: 'trace' },
          {
            stream: pino.destination({
              dest: path.resolve(options.file),
              append: true,
              mkdir: true,
              mode: 0o600,
              sync: true,
            }),
            level: 'trace',
          },
        ]),
  );
}

/**
 * One key once per line. pino writes a child's bindings and the fields of the call side by side,
 * so a key bound twice (a connector's logger, then the OAuth one, both binding `connector`) or
 * bound and passed again came out twice, which JSON readers treat differently (jq keeps the last,
 * others refuse the line). The last value wins, as in JSON.parse: the most specific one.
 */
export function uniqueKeys(line: string): string {
  try {
    return `${JSON.stringify(JSON.parse(line))}\n`;
  } catch {
    return line;
  }
}

/** A logger that drops everything (tests, `--json` output that must stay clean). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
