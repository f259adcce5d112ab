/**
 * #14's backfill benchmark: `tandem backfill contacts` (CRM -> ERP, the CLI's own entry,
 * bin/tandem.js) against the floor (floor.ts: the same vendor I/O, no engine) and the peer
 * (peer.ts: the per-record SDK script), each on a freshly restored sandbox with HubSpot's
 * Professional limits (190 requests per 10 s, search 5 per second, sandbox/hubspot/rate-limit.ts).
 * Every contender is its own process, measured alike (rusage.ts): wall time, CPU time, peak RSS,
 * and the requests the sandbox saw, per endpoint. Rounds alternate the contenders so a noisy
 * neighbour slows them alike; a figure is the median of the rounds.
 *
 * Env: BENCH_RECORDS (default 10,000), BENCH_PEER_RECORDS (2,000), BENCH_ROUNDS (3),
 * BENCH_PEER_ROUNDS (1), BENCH_SCENARIOS (comma-separated ids: backfill, latency, peer; default
 * all), BENCH_OUT (default bench/RESULTS-backfill.md). `npm run bench:big` runs 1,000,000 records
 * (the first scenario, one round) into bench/RESULTS-backfill-big.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../src/logger.js';
import type { FaultOptions } from '../sandbox/faults.js';
import { startHubspotSandbox } from '../sandbox/hubspot/index.js';
import { startOdooSandbox } from '../sandbox/odoo/index.js';
import { type SeedWorld, seedWorld } from '../sandbox/seed.js';
import type { RunningServer } from '../sandbox/types.js';
import { provenance } from './provenance.js';

const N = Number(process.env['BENCH_RECORDS'] ?? 10_000);
const PEER_N = Number(process.env['BENCH_PEER_RECORDS'] ?? 2_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** The peer scenario's rounds: one by default, as the per-record peer alone takes minutes. */
const PEER_ROUNDS = Number(process.env['BENCH_PEER_ROUNDS'] ?? 1);
const ONLY = process.env['BENCH_SCENARIOS']?.split(',');
const TOKEN = 'bench-hubspot-token';
const PASSWORD = 'bench-odoo-key';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const HOOK = new URL('./rusage.js', import.meta.url).href;

type Contender =
  | { readonly kind: 'tandem'; readonly label: string; readonly connector: string }
  | { readonly kind: 'floor'; readonly label: string; readonly read: 'list' | 'search' }
  | { readonly kind: 'peer'; readonly label: string };

interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly records: number;
  readonly faults: FaultOptions;
  readonly contenders: readonly Contender[];
  readonly rounds: number;
}

interface Measure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly crm: Readonly<Record<string, number>>;
  readonly erp: Readonly<Record<string, number>>;
}

const TANDEM_DEFAULT: Contender = { kind: 'tandem', label: 'Tandem (defaults: search, 200 a page)', connector: '' };
const TANDEM_LIST: Contender = {
  kind: 'tandem',
  label: 'Tandem (fullReads: list, rateLimit 190/10 s)',
  connector: 'fullReads: list\n    rateLimit: { requests: 190, intervalMs: 10000 }',
};
const FLOOR_LIST: Contender = { kind: 'floor', label: 'floor (list, 100 a page, 190/10 s)', read: 'list' };
const FLOOR_SEARCH: Contender = { kind: 'floor', label: 'floor (search, 200 a page, 5/s)', read: 'search' };
const PEER: Contender = { kind: 'peer', label: 'peer (@hubspot/api-client + JSON-RPC per record)' };
const LATENCY = { latencyMs: 20 };

const SCENARIOS: readonly Scenario[] = [
  {
    id: 'backfill',
    title: `backfill ${N.toLocaleString('en-US')} contacts`,
    records: N,
    faults: {},
    contenders: [TANDEM_DEFAULT, TANDEM_LIST, FLOOR_LIST, FLOOR_SEARCH],
    rounds: ROUNDS,
  },
  {
    id: 'latency',
    title: `backfill ${N.toLocaleString('en-US')} contacts, vendor latency 0-20 ms per request`,
    records: N,
    faults: LATENCY,
    contenders: [TANDEM_DEFAULT, TANDEM_LIST, FLOOR_LIST],
    rounds: ROUNDS,
  },
  {
    id: 'peer',
    title: `backfill ${PEER_N.toLocaleString('en-US')} contacts, vendor latency 0-20 ms, with the peer`,
    records: PEER_N,
    faults: LATENCY,
    contenders: [TANDEM_DEFAULT, FLOOR_LIST, PEER],
    rounds: PEER_ROUNDS,
  },
];

/** Seeds both sandboxes once into `dir`; each run starts from a copy of it. */
async function seedTemplate(world: SeedWorld, dir: string): Promise<void> {
  const { crm, erp } = await startServers(world, dir, {});
  await Promise.all([crm.close(), erp.close()]);
}

async function startServers(
  world: SeedWorld,
  dir: string,
  faults: FaultOptions,
): Promise<{ crm: RunningServer; erp: RunningServer }> {
  const common = { dataDir: dir, port: 0, world, faults, logger: silentLogger() };
  const crm = await startHubspotSandbox({ ...common, secret: TOKEN });
  const erp = await startOdooSandbox({ ...common, secret: PASSWORD });
  return { crm, erp };
}

function tandemConfig(dir: string, crm: string, erp: string, extra: string): string {
  const mapping = (name: string): string => JSON.stringify(path.join(ROOT, 'mappings', name));
  const sync = (name: string, file: string): string => `  ${name}:
    mapping: ${mapping(file)}
    crm: crm
    erp: erp
    direction: crm-to-erp
    schedule: '0 0 1 1 *'
`;
  const text = `dataDir: ${JSON.stringify(path.join(dir, 'data'))}
log: { level: warn }
sandbox: { enabled: false }
connectors:
  crm:
    kind: hubspot
    baseUrl: ${crm}
    secrets: { token: { env: BENCH_CRM_TOKEN } }
    ${extra}
  erp:
    kind: odoo
    url: ${erp}
    db: tandem
    login: admin
    secrets: { password: { env: BENCH_ERP_PASSWORD } }
syncs:
${sync('companies', 'hubspot-companies-to-odoo-companies.yaml')}${sync('contacts', 'hubspot-contacts-to-odoo-partners.yaml')}`;
  const file = path.join(dir, 'tandem.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function argsOf(contender: Contender, dir: string, crm: string, erp: string): string[] {
  switch (contender.kind) {
    case 'tandem':
      return [
        path.join(ROOT, 'bin/tandem.js'),
        'backfill',
        'contacts',
        '--json',
        '--config',
        tandemConfig(dir, crm, erp, contender.connector),
      ];
    case 'floor':
      return [path.join(HERE, 'floor.js')];
    case 'peer':
      return [path.join(HERE, 'peer.js')];
  }
}

/** Runs one process to its end; rejects with its stderr when it fails. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', HOOK, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-4000)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}\n${stderr}\n${stdout}`)),
    );
  });
}

/** One contender on a fresh copy of the seeded sandbox. */
async function measure(scenario: Scenario, contender: Contender, world: SeedWorld, template: string): Promise<Measure> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
  try {
    fs.cpSync(template, path.join(dir, 'sandbox'), { recursive: true });
    const { crm, erp } = await startServers(world, path.join(dir, 'sandbox'), scenario.faults);
    try {
      const rusage = path.join(dir, 'rusage.json');
      const env = {
        ...process.env,
        BENCH_RUSAGE_FILE: rusage,
        BENCH_CRM_URL: crm.url,
        BENCH_ERP_URL: erp.url,
        BENCH_CRM_TOKEN: TOKEN,
        BENCH_ERP_PASSWORD: PASSWORD,
        ...(contender.kind === 'floor' ? { BENCH_READ: contender.read } : {}),
      };
      const started = performance.now();
      await run(argsOf(contender, dir, crm.url, erp.url), env);
      const wallMs = performance.now() - started;
      const usage = JSON.parse(fs.readFileSync(rusage, 'utf8')) as { cpuMs: number; maxRssKb: number };
      return {
        wallMs,
        cpuMs: usage.cpuMs,
        rssMb: usage.maxRssKb / 1024,
        crm: crm.requestsByEndpoint(),
        erp: erp.requestsByEndpoint(),
      };
    } finally {
      await Promise.all([crm.close(), erp.close()]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const total = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);
const endpoints = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name.replace(/^(GET|POST) \/crm\/v3\/objects\//, '$1 ')} ${n}`)
    .join('; ');

interface Row {
  readonly contender: Contender;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly sample: Measure;
}

async function runScenario(scenario: Scenario): Promise<readonly Row[]> {
  // A first backfill into an ERP without people: Tandem and the floor then do the same writes
  // (every contact created), where the seed's overlapping ERP people would cost Tandem updates the floor does not make.
  const world = { ...seedWorld({ seed: 42, contacts: scenario.records, companies: 0 }), erpPeople: [] };
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-seed-'));
  const results = new Map<Contender, Measure[]>();
  try {
    await seedTemplate(world, template);
    for (let round = 0; round < scenario.rounds; round++) {
      for (const contender of scenario.contenders) {
        const m = await measure(scenario, contender, world, template);
        (results.get(contender) ?? results.set(contender, []).get(contender) ?? []).push(m);
        process.stderr.write(
          `  ${scenario.id} round ${round + 1}: ${contender.label}: ${(m.wallMs / 1000).toFixed(1)} s wall, ${(m.cpuMs / 1000).toFixed(1)} s CPU\n`,
        );
      }
    }
  } finally {
    fs.rmSync(template, { recursive: true, force: true });
  }
  return scenario.contenders.map((contender) => {
    const all = results.get(contender) ?? [];
    const sample = all[0];
    if (sample === undefined) throw new Error(`no measurement of ${contender.label}`);
    return {
      contender,
      wallMs: median(all.map((m) => m.wallMs)),
      cpuMs: median(all.map((m) => m.cpuMs)),
      rssMb: median(all.map((m) => m.rssMb)),
      sample,
    };
  });
}

function table(scenario: Scenario, rows: readonly Row[]): string {
  const floors = rows.filter((r) => r.contender.kind === 'floor');
  const floor = floors.reduce<Row | undefined>(
    (best, r) => (best === undefined || r.wallMs < best.wallMs ? r : best),
    undefined,
  );
  const ratio = (r: Row): string => (floor === undefined ? '' : `${(r.wallMs / floor.wallMs).toFixed(2)}x`);
  const lines = [
    `### ${scenario.title} (median of ${scenario.rounds})`,
    '',
    `Ratio: wall time against the fastest floor (${floor?.contender.label ?? 'none'}).`,
    '',
    '| contender | wall s | CPU s | peak RSS MB | HubSpot requests | Odoo requests | wall / floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.contender.label} | ${(r.wallMs / 1000).toFixed(1)} | ${(r.cpuMs / 1000).toFixed(1)} | ${Math.round(r.rssMb)} | ${total(r.sample.crm)} | ${total(r.sample.erp)} | ${ratio(r)} |`,
    ),
    '',
    'Requests per endpoint (first round):',
    '',
    ...rows.map((r) => `- ${r.contender.label}: HubSpot: ${endpoints(r.sample.crm)}; Odoo: ${endpoints(r.sample.erp)}`),
    '',
  ];
  return lines.join('\n');
}

const load = os.loadavg().map((l) => l.toFixed(2));
const sections: string[] = [];
for (const scenario of SCENARIOS) {
  if (ONLY !== undefined && !ONLY.includes(scenario.id)) continue;
  process.stderr.write(`${scenario.title}\n`);
  const rows = await runScenario(scenario);
  const text = table(scenario, rows);
  process.stdout.write(`${text}\n`);
  sections.push(text);
}
const after = os.loadavg().map((l) => l.toFixed(2));
const report = `# Backfill benchmark results

\`npm run bench\` (bench/backfill.ts): \`tandem backfill contacts\` (CRM -> ERP, bin/tandem.js, the
path production runs) against the floor (bench/floor.ts: the same vendor I/O, no engine) and the
peer (bench/peer.ts: the official HubSpot SDK, one Odoo JSON-RPC call per record), each its own
process on a freshly restored sandbox with HubSpot's Professional limits (190 requests per 10 s;
search 5 per second, 200 a page; list 100 a page), into an ERP without people (so Tandem and the
floor make the same writes). Rounds alternate the contenders; each figure is their median. CPU and
peak RSS are the contender process's own (process.resourceUsage at exit); the sandbox runs in the
benchmark's process. Latency: the sandbox's latency fault, uniform 0-20 ms per request on both vendors.
Load average (1/5/15 min) before: ${load.join(' / ')}; after: ${after.join(' / ')}.

${sections.join('\n')}
${provenance()}
`;
fs.writeFileSync(path.join(ROOT, process.env['BENCH_OUT'] ?? 'bench/RESULTS-backfill.md'), report);
