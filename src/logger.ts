/**
 * Structured logging (pino) with secrets redacted. Every component takes a `Logger` as an
 * argument; there is no module-level logger.
 */
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
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['TANDEM_LOG_LEVEL'] ?? 'info',
      base: { service: 'tandem' },
      redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    typeof options.destination === 'object' ? options.destination : pino.destination(options.destination ?? 1),
  );
}

/** A logger that drops everything (tests, `--json` output that must stay clean). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
