/**
 * A daemon in this process (`runDaemon` with its signal handlers, so `process.emit('SIGHUP')`
 * drives the real reload path) on a small sandbox and a config the test rewrites.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openApp, type App } from '../../src/app.js';
import { runDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/logger.js';
import { writeStandaloneContactsMapping } from './config.js';
import { tempDir } from './tmp.js';

/** The keys a reload test changes; everything else is fixed. */
export interface DaemonConfig {
  readonly logLevel?: string;
  readonly schedule?: string;
  readonly enabled?: boolean;
  readonly staleAfterMs?: number;
  /** The sync's `drift.schedule` (json reports). */
  readonly driftSchedule?: string;
  /** Files (in the test folder) holding the API token and the erp webhook secret. */
  readonly tokenFile?: string;
  readonly hookFile?: string;
  readonly toleranceMs?: number;
  /** A key SIGHUP does not apply (it needs a restart). */
  readonly pageSize?: number;
  /** A second sync, `added`, beside `contacts` (a sync a reload adds needs a restart). */
  readonly added?: boolean;
  /** YAML appended to the config (an `alerts:` block). */
  readonly extra?: string;
}

export interface TestDaemon {
  readonly app: App;
  readonly dir: string;
  readonly url: string;
  readonly lines: Record<string, unknown>[];
  /** Writes `secret` into the test folder's file `name`. */
  writeSecret(name: string, secret: string): void;
  /** Rewrites the config, sends SIGHUP and waits until the daemon says the reload is done. */
  reload(config: DaemonConfig): Promise<void>;
  waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const yaml = (mapping: string, c: DaemonConfig): string => {
  const sync = {
    mapping,
    crm: 'crm',
    erp: 'erp',
    runOnStart: false,
    // Never, unless the test says otherwise (1 January, midnight).
    schedule: c.schedule ?? '0 0 1 1 *',
    enabled: c.enabled ?? true,
    pageSize: c.pageSize ?? 100,
    ...(c.staleAfterMs === undefined ? {} : { staleAfterMs: c.staleAfterMs }),
    ...(c.driftSchedule === undefined ? {} : { drift: { schedule: c.driftSchedule, formats: ['json'] } }),
  };
  const hook = { scheme: 'hmac-sha256', secret: { file: c.hookFile ?? 'hook' }, toleranceMs: c.toleranceMs ?? 300_000 };
  return `dataDir: ./data
log: { level: ${c.logLevel ?? 'info'} }
sandbox: { enabled: true, contacts: 3, companies: 1 }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: ${JSON.stringify(sync)}
${c.added === true ? `  added: ${JSON.stringify(sync)}\n` : ''}server: { port: 0, tokenSecret: { file: ${c.tokenFile ?? 'token'} }, webhooks: { erp: ${JSON.stringify(hook)} } }
${c.extra ?? ''}`;
};

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startTestDaemon(config: DaemonConfig): Promise<TestDaemon> {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'config.yaml');
  const mapping = writeStandaloneContactsMapping(dir);
  const writeSecret = (name: string, secret: string): void => fs.writeFileSync(path.join(dir, name), `${secret}\n`);
  writeSecret('token', 'first-token');
  writeSecret('hook', 'first-hook-secret');
  fs.writeFileSync(file, yaml(mapping, config));
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: config.logLevel ?? 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  });
  const app = await openApp(file, { logger });
  const stop = new AbortController();
  const daemon = runDaemon(app, { signal: stop.signal, handleSignals: true });
  const started = (): Record<string, unknown> | undefined => lines.find((l) => l['msg'] === 'server listening');
  await waitFor('the daemon to start', () => lines.some((l) => l['msg'] === 'tandem started'));
  const url = String(started()?.['url']);
  return {
    app,
    dir,
    url,
    lines,
    writeSecret,
    waitFor,
    async reload(next) {
      const before = lines.filter((l) => l['msg'] === 'SIGHUP: config and credentials reloaded').length;
      fs.writeFileSync(file, yaml(mapping, next));
      process.emit('SIGHUP');
      // At `warn` and above the daemon's "reloaded" line is not written: the handler then runs to
      // its end before emit returns, as no sync was rescheduled.
      if (['info', 'debug', 'trace'].includes(next.logLevel ?? 'info'))
        await waitFor(
          'the reload',
          () => lines.filter((l) => l['msg'] === 'SIGHUP: config and credentials reloaded').length > before,
        );
    },
    async stop() {
      stop.abort();
      await daemon;
      await app.close();
      cleanup();
    },
  };
}
