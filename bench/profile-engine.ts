/**
 * The engine side of `bench/profile-backfill.ts`: `tandem backfill contacts --json` run in this
 * process through the CLI's own command (src/cli/commands/run.ts), against the sandbox process of
 * bench/profile-sandbox.ts. Prints one JSON line: the CPU spent loading the command's modules and
 * running the backfill (process.cpuUsage, this process only), the peak RSS, and the run's stats.
 * Usage: node [--cpu-prof] dist/bench/profile-engine.js CONFIG
 */
import { hubspotLimits } from '../connectors/hubspot/rate-limits.js';
import { connectorRegistry } from '../connectors/index.js';
import SQLite from 'better-sqlite3';
import type { Output } from '../src/cli/output.js';

const config = process.argv[2];
if (config === undefined) throw new Error('usage: profile-engine CONFIG');

// Tandem's own HubSpot limiter (5 searches/s at most by config) lifted as the sandbox's is: the
// engine's speed is measured, not the vendor's quota. Bench only; the registry is not frozen deep.
const hubspot = connectorRegistry['hubspot'] as { limits?: unknown } | undefined;
if (hubspot !== undefined)
  hubspot.limits = () => hubspotLimits({ searchPerSecond: 1e6, burst: { requests: 1e9, intervalMs: 10_000 } });

// TANDEM_PROFILE_SQL=1: count the statements the store runs, by SQL text (reported as `statements`).
const statements = new Map<string, number>();
if (process.env['TANDEM_PROFILE_SQL'] === '1') {
  const probe = new SQLite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    'run' | 'all' | 'get',
    (...args: unknown[]) => unknown
  >;
  probe.close();
  for (const method of ['run', 'all', 'get'] as const) {
    const original = proto[method];
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      statements.set(this.source, (statements.get(this.source) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
}

const cpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const beforeLoad = cpu();
const { backfillCommand } = await import('../src/cli/commands/run.js');
const loaded = cpu();
let result: unknown;
const out: Output = {
  json: (value) => (result = value),
  line: () => undefined,
  error: () => undefined,
};
const started = performance.now();
const code = await backfillCommand('contacts', { config, json: true }, out, {
  stream: { isTTY: false, write: () => true },
});
const wallMs = performance.now() - started;
const done = cpu();
process.stdout.write(
  `${JSON.stringify({
    code,
    loadCpuMs: loaded - beforeLoad,
    runCpuMs: done - loaded,
    wallMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    stats: result,
    statements: [...statements].sort((a, b) => b[1] - a[1]),
  })}\n`,
);
