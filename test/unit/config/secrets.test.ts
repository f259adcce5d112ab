import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretReader } from '../../../src/config/secrets.js';
import { tempDir } from '../../helpers/tmp.js';

describe('createSecretReader', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('reads an environment variable on every call', () => {
    const env: NodeJS.ProcessEnv = { HS_TOKEN: 'first' };
    const secret = createSecretReader({ connector: 'crm', refs: { token: { env: 'HS_TOKEN' } }, baseDir: dir, env });
    expect(secret('token')).toBe('first');
    env['HS_TOKEN'] = 'second';
    expect(secret('token')).toBe('second');
  });

  it('re-reads a file secret when the file changes (rotation without restart)', () => {
    const file = path.join(dir, 'token.txt');
    fs.writeFileSync(file, 'old-key\n');
    const secret = createSecretReader({ connector: 'crm', refs: { token: { file: 'token.txt' } }, baseDir: dir });
    expect(secret('token')).toBe('old-key');
    fs.writeFileSync(file, 'new-key\n');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    expect(secret('token')).toBe('new-key');
  });

  it('falls back to the sandbox default only when the reference yields nothing', () => {
    const secret = createSecretReader({
      connector: 'crm',
      refs: { token: { env: 'UNSET_VAR' } },
      baseDir: dir,
      env: {},
      defaults: { token: 'sandbox' },
    });
    expect(secret('token')).toBe('sandbox');
    const real = createSecretReader({
      connector: 'crm',
      refs: { token: { env: 'SET_VAR' } },
      baseDir: dir,
      env: { SET_VAR: 'real' },
      defaults: { token: 'sandbox' },
    });
    expect(real('token')).toBe('real');
  });

  it('says how to provide a missing secret', () => {
    const secret = createSecretReader({
      connector: 'crm',
      refs: { token: { env: 'TANDEM_HUBSPOT_TOKEN' } },
      baseDir: dir,
      env: {},
    });
    expect(() => secret('token')).toThrow(
      'connector "crm" needs the secret "token": set the environment variable TANDEM_HUBSPOT_TOKEN',
    );
    const unset = createSecretReader({ connector: 'erp', refs: {}, baseDir: dir, env: {} });
    expect(() => unset('password')).toThrow('add connectors.erp.secrets.password: { env: VARIABLE }');
  });
});
