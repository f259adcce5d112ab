/**
 * The circuit breaker as the README promises it to an operator, through the real `tandem` command:
 * an outage opens a connector's circuit; `tandem status` (a new process, reading the state store)
 * shows it open; the next `tandem run`, in another new process with the vendor healthy again, is
 * `paused` by the circuit it restored from the state store, and exits 1.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tandem } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

interface StatusJson {
  connectors: { name: string; circuit: string; circuitSince: string | null }[];
  syncs: { sync: string; lastRun: { status: string } | null }[];
}

describe('tandem run and status with an open circuit', () => {
  it('shows the open circuit in status, keeps it across processes, and a paused run exits 1', async () => {
    const { dir, cleanup } = tempDir('tandem-breaker-cli-');
    try {
      const config = writeTestConfig({
        dir,
        contacts: 20,
        companies: 5,
        faults: { errorRate: 1 },
        breaker: { failures: 1, halfOpenAfterMs: 600_000 },
      });
      // Few, fast retries: the outage outlives them in well under a second.
      fs.writeFileSync(
        config,
        fs
          .readFileSync(config, 'utf8')
          .replaceAll(
            'retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 2000 }',
            'retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 5 }',
          ),
      );

      const before = await tandem(['status', '--config', config]);
      expect(before.stdout).toMatch(/^connector erp \(odoo\): circuit closed$/m);

      const outage = await tandem(['run', 'companies', '--config', config, '--json']);
      expect(outage.code, outage.stderr.slice(-2000)).toBe(1);
      // The check of the mapped fields meets the outage first (it cannot describe the CRM): that
      // opens the circuit (failures: 1), so the run is recorded paused, with its JSON.
      expect(outage.stderr).toContain('mapped fields not checked');
      expect(JSON.parse(outage.stdout)).toMatchObject({ sync: 'companies', status: 'paused' });

      const status = await tandem(['status', '--config', config, '--json']);
      expect(status.code, status.stderr).toBe(0);
      const parsed = JSON.parse(status.stdout) as StatusJson;
      // Both sandboxes fail every request, and both were asked (the field check describes both sides).
      for (const name of ['crm', 'erp']) {
        const connector = parsed.connectors.find((c) => c.name === name);
        expect(connector?.circuit).toBe('open');
        expect(Number.isNaN(Date.parse(connector?.circuitSince ?? ''))).toBe(false);
      }
      const text = await tandem(['status', '--config', config]);
      expect(text.stdout).toMatch(/^connector crm \(hubspot\): circuit open since \d{4}-\d\d-\d\dT/m);
      expect(text.stdout).toMatch(/^connector erp \(odoo\): circuit open since \d{4}-\d\d-\d\dT/m);

      // The vendor is healthy again, but the circuit is still open (600 s): the run does not reach it.
      fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('faults: {"errorRate":1}', 'faults: {}'));
      expect(fs.readFileSync(config, 'utf8')).not.toContain('errorRate');
      const paused = await tandem(['run', 'companies', '--config', config, '--json']);
      expect(JSON.parse(paused.stdout)).toMatchObject({
        sync: 'companies',
        status: 'paused',
        written: { crm: 0, erp: 0 },
      });
      expect(paused.code).toBe(1);
      const after = JSON.parse((await tandem(['status', '--config', config, '--json'])).stdout) as StatusJson;
      expect(after.connectors.find((c) => c.name === 'crm')?.circuit).toBe('open');
      expect(after.syncs.find((s) => s.sync === 'companies')?.lastRun?.status).toBe('paused');
    } finally {
      cleanup();
    }
  }, 30_000);
});
