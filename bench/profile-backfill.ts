/**
 * Where the engine's CPU and memory go on a backfill: N HubSpot contacts to Odoo through the CLI's
 * own `backfill` command, the sandbox in a separate process with HubSpot's rate limits lifted, so
 * the figures are the engine's alone. Prints, per N: the engine's CPU per record (the run, and the
 * command's module loading apart), its peak RSS, and with `--profile` the top functions by self
 * time from a `--cpu-prof` profile of the engine process.
 *
 *   tsc -p tsconfig.tools.json && node dist/bench/profile-backfill.js [--profile] [--top 25] 10000 50000
 *
 * Not a test: figures vary with the machine and its load; compare runs side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { provenance } from './provenance.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

export interface EngineReport {
  readonly code: number;
  readonly loadCpuMs: number;
  readonly runCpuMs: number;
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly statements: readonly (readonly [string, number])[];
  readonly stats: {
    readonly status: string;
    readonly pulled: { readonly crm: number; readonly erp: number };
    readonly written: { readonly crm: number; readonly erp: number };
  };
}

/** The first line a child prints on stdout, parsed; rejects if it exits first. */
function firstLine<T>(child: ChildProcess, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    if (child.stdout === null) throw new Error(`${name}: no stdout`);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
    child.once('exit', (code) => reject(new Error(`${name} exited (${String(code)}) before reporting`)));
  });
}

function configText(dir: string, urls: { crm: string; erp: string }): string {
  const mapping = (name: string): string => JSON.stringify(path.join(repo, 'mappings', name));
  const sync = (name: string, file: string): string => `  ${name}:
    mapping: ${mapping(file)}
    crm: crm
    erp: erp
    direction: crm-to-erp
    schedule: '0 0 1 1 *'
    pageSize: 200
`;
  return `dataDir: ${JSON.stringify(path.join(dir, 'data'))}
log: { level: info }
connectors:
  crm:
    kind: hubspot
    baseUrl: ${urls.crm}
    pageSize: 200
    secrets: { token: { env: TANDEM_BENCH_HUBSPOT_TOKEN } }
  erp:
    kind: odoo
    url: ${urls.erp}
    db: tandem
    login: admin
    secrets: { password: { env: TANDEM_BENCH_ODOO_KEY } }
syncs:
${sync('companies', 'hubspot-companies-to-odoo-companies.yaml')}${sync('contacts', 'hubspot-contacts-to-odoo-partners.yaml')}`;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a frame's code lives: a package, node's own internals, or Tandem's source file. */
function owner(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] ?? url;
  if (url.startsWith('node:')) return 'node';
  if (url === '') return '(native)';
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 6) : url;
}

/** Self time by function and by owner (package or file), idle excluded; milliseconds. */
export function summarize(profile: CpuProfile): {
  busyMs: number;
  functions: [string, number][];
  owners: [string, number][];
} {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    busy += ms;
    const frame = node.callFrame;
    const where = owner(frame.url);
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
    const name = `${frame.functionName || '(anonymous)'} ${file === '' ? '(native)' : `${file}:${frame.lineNumber + 1}`}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const group = frame.functionName === '(garbage collector)' ? '(garbage collector)' : where;
    byOwner.set(group, (byOwner.get(group) ?? 0) + ms);
  });
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { busyMs: busy, functions: sorted(byFunction), owners: sorted(byOwner) };
}

async function measure(records: number, profile: boolean, top: number): Promise<EngineReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-profile-'));
  const companies = Math.max(10, Math.round(records / 100));
  const sandbox = spawn(
    process.execPath,
    [path.join(here, 'profile-sandbox.js'), path.join(dir, 'sandbox'), String(records), String(companies)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const urls = await firstLine<{ crm: string; erp: string }>(sandbox, 'sandbox');
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, configText(dir, urls));
    const profDir = path.join(dir, 'prof');
    const engine = spawn(
      process.execPath,
      [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), path.join(here, 'profile-engine.js'), config],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: {
          ...process.env,
          TANDEM_BENCH_HUBSPOT_TOKEN: 'sandbox-hubspot-token',
          TANDEM_BENCH_ODOO_KEY: 'sandbox-odoo-key',
        },
      },
    );
    const report = await firstLine<EngineReport>(engine, 'engine');
    await new Promise((resolve) => engine.once('exit', resolve));
    const total = records + companies;
    const line =
      `${records.toLocaleString('en-US')} contacts + ${companies} companies: ${report.stats.status}, ` +
      `written erp=${report.stats.written.erp}; run CPU ${(report.runCpuMs / 1000).toFixed(2)} s = ` +
      `${(report.runCpuMs / total).toFixed(3)} ms/record; module load ${report.loadCpuMs.toFixed(0)} ms CPU; ` +
      `wall ${(report.wallMs / 1000).toFixed(1)} s; peak RSS ${report.maxRssMb.toFixed(0)} MB`;
    process.stdout.write(`${line}\n`);
    if (report.statements.length > 0) {
      const all = report.statements.reduce((sum, [, n]) => sum + n, 0);
      process.stdout.write(`  ${all} statements (${(all / total).toFixed(1)} per record), by text:\n`);
      for (const [text, n] of report.statements.slice(0, 20))
        process.stdout.write(`  ${String(n).padStart(7)}  ${text.slice(0, 140)}\n`);
    }
    if (profile) {
      const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (file === undefined) throw new Error('no .cpuprofile written');
      const summary = summarize(JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile);
      const pct = (ms: number): string => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)}%`;
      process.stdout.write(`  busy ${(summary.busyMs / 1000).toFixed(2)} s; self time by owner:\n`);
      for (const [name, ms] of summary.owners.slice(0, 15)) process.stdout.write(`  ${pct(ms)}  ${name}\n`);
      process.stdout.write(`  top functions by self time:\n`);
      for (const [name, ms] of summary.functions.slice(0, top)) process.stdout.write(`  ${pct(ms)}  ${name}\n`);
      const keep = process.env['TANDEM_PROFILE_KEEP'];
      if (keep !== undefined) fs.copyFileSync(path.join(profDir, file), keep);
    }
    return report;
  } finally {
    sandbox.kill('SIGTERM');
    await new Promise((resolve) => (sandbox.exitCode === null ? sandbox.once('exit', resolve) : resolve(null)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const profile = args.includes('--profile');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const sizes = args.filter((a, i) => !a.startsWith('--') && !(topAt >= 0 && i === topAt + 1)).map(Number);
for (const n of sizes.length === 0 ? [10_000] : sizes) await measure(n, profile, top);
process.stdout.write(
  `${provenance()} Load: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}.\n`,
);
