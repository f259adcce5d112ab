/**
 * `log.redact` from the config file reaches pino: the paths it names are censored in every line,
 * beside the built-in secret paths, and the values next to them are kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/logger.js';
import { tempDir } from '../../helpers/tmp.js';

const CONFIG = `dataDir: ./data
log:
  level: debug
  redact: ["*.email", "*.phone", "contact.address.street"]
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
sandbox:
  enabled: true
syncs: {}
`;

describe('log.redact', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir('tandem-redact-')));
  afterEach(() => tmp.cleanup());

  /** The lines a logger built as the app builds it (level and redaction from the config) writes. */
  const capture = (configText: string, log: (logger: ReturnType<typeof createLogger>) => void): string => {
    const file = path.join(tmp.dir, 'tandem.yaml');
    fs.writeFileSync(file, configText);
    const config = loadConfig(file);
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: config.logLevel, redact: config.logRedact, destination });
    log(logger);
    return chunks.join('');
  };

  it('censors the configured paths of personal data and keeps the rest of the line', () => {
    const output = capture(CONFIG, (logger) =>
      logger.debug(
        {
          contact: {
            email: 'ada@example.com',
            phone: '+44 20 7946 0958',
            city: 'London',
            address: { street: '12 Analytical Row', zip: 'NW1' },
          },
          token: 'a-bearer-token',
        },
        'record mapped',
      ),
    );
    const line = JSON.parse(output) as { contact: Record<string, unknown>; token: unknown; msg: string };
    expect(line.msg).toBe('record mapped');
    expect(line.contact).toEqual({
      email: '[redacted]',
      phone: '[redacted]',
      city: 'London',
      address: { street: '[redacted]', zip: 'NW1' },
    });
    expect(line.token).toBe('[redacted]');
    for (const value of ['ada@example.com', '+44 20 7946 0958', '12 Analytical Row', 'a-bearer-token'])
      expect(output).not.toContain(value);
  });

  it('without log.redact, personal data is logged as it is (the option is what censors it)', () => {
    const output = capture(CONFIG.replace(/ {2}redact: .*\n/, ''), (logger) =>
      logger.debug({ contact: { email: 'ada@example.com' } }, 'record mapped'),
    );
    expect(output).toContain('ada@example.com');
  });
});
