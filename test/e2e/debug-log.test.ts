/**
 * A run at debug level, the most talkative, logs no secret: every line of a real `tandem run`
 * (the daemon's code, the connectors and the embedded sandbox) is searched for every secret the
 * run used. The same run shows `log.redact` censoring a path of a real log line.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../sandbox/index.js';
import { tandem } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

describe('tandem run at debug level', () => {
  it('logs debug lines, none of which carries a secret, and censors the log.redact paths', async () => {
    const { dir, cleanup } = tempDir('tandem-debug-log-');
    try {
      const config = writeTestConfig({ dir, contacts: 60, companies: 10, logLevel: 'debug' });
      fs.writeFileSync(
        config,
        fs
          .readFileSync(config, 'utf8')
          .replace('log: { level: debug }', 'log: { level: debug, redact: ["stats.pulled"] }'),
      );
      const result = await tandem(['run', 'contacts', '--config', config, '--json']);
      expect(result.stderr.length).toBeGreaterThan(0);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);

      const lines = result.stderr
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // Debug lines of the runs, the connectors and the sandbox: the level under test is really on.
      const debug = lines.filter((l) => l['level'] === 20);
      expect(debug.length).toBeGreaterThan(20);
      expect(new Set(debug.map((l) => l['msg']))).toContain('odoo sandbox rpc');

      const everything = `${result.stdout}\n${result.stderr}`;
      for (const secret of [SANDBOX_SECRETS.crm.token, SANDBOX_SECRETS.erp.password])
        expect(everything.includes(secret), `a log line carries ${secret}`).toBe(false);
      expect(everything).not.toMatch(/Bearer [A-Za-z0-9]/);

      const finished = lines.filter((l) => l['msg'] === 'run succeeded');
      expect(finished.map((l) => l['sync']).sort()).toEqual(['companies', 'contacts']);
      for (const line of finished)
        expect(line['stats']).toMatchObject({ pulled: '[redacted]', written: expect.any(Object) as unknown });
      // The same figures in the command's own output (stdout), which is not a log line.
      expect((JSON.parse(result.stdout) as { pulled: { crm: number } }).pulled.crm).toBeGreaterThan(0);
    } finally {
      cleanup();
    }
  }, 30_000);
});
