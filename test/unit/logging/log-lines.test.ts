import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/logger.js';
import { writeTestConfig } from '../../helpers/config.js';
import { tempDir } from '../../helpers/tmp.js';

function capture(): { raw: string[]; stream: Writable } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return { raw, stream };
}

const occurrences = (line: string, key: string): number => line.split(`"${key}":`).length - 1;

describe('log lines', () => {
  it('carry each key once: a key bound by two children, or bound and passed again, is written once (the last value)', () => {
    const { raw, stream } = capture();
    const logger = createLogger({ level: 'info', destination: stream });
    // As the OAuth token provider is built: under the connector's logger, binding its name again.
    const oauth = logger.child({ connector: 'crm' }).child({ connector: 'crm', tokenUrl: 'https://auth.example' });
    oauth.info({ grant: 'client_credentials', expiresInS: 3600 }, 'oauth token obtained');
    logger.child({ sync: 'contacts' }).warn({ sync: 'companies', n: 1 }, 'explicit field over a binding');
    expect(raw).toHaveLength(2);
    const [first = '', second = ''] = raw;
    expect(first.endsWith('}\n')).toBe(true);
    expect(occurrences(first, 'connector')).toBe(1);
    expect(JSON.parse(first)).toMatchObject({
      connector: 'crm',
      tokenUrl: 'https://auth.example',
      grant: 'client_credentials',
    });
    expect(occurrences(second, 'sync')).toBe(1);
    expect(JSON.parse(second)).toMatchObject({ sync: 'companies', n: 1, level: 40 });
  });

  it('go to the log file too (log.file), appended, created 0600 with its folder', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'logs', 'tandem.log');
      const { raw, stream } = capture();
      createLogger({ level: 'info', destination: stream, file }).info({ n: 1 }, 'first');
      createLogger({ level: 'warn', destination: stream, file }).info('below the level: nowhere');
      createLogger({ level: 'info', destination: stream, file }).error({ n: 2 }, 'second');
      const lines = fs
        .readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l['msg'])).toEqual(['first', 'second']);
      expect(raw).toHaveLength(2);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      cleanup();
    }
  });

  it('log.file is read from the config, relative to the config file', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = writeTestConfig({ dir });
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace('log: { level: warn }', 'log: { level: warn, file: logs/tandem.log }'),
      );
      expect(loadConfig(file).logFile).toBe(path.join(path.dirname(file), 'logs', 'tandem.log'));
    } finally {
      cleanup();
    }
  });
});
