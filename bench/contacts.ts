/**
 * Benchmark: 100k HubSpot-shaped contacts through the shipped contact mapping versus a
 * hand-written TypeScript function producing the same payloads. Run with `npm run bench`;
 * results are printed and written to bench/RESULTS.md. Not a test: timings vary by machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { SourceRecord } from '../connectors/types.js';
import { COUNTRY_CODES, handWritten } from './hand-map.js';
import { provenance } from './provenance.js';
import { loadMapping } from '../src/mapping/load.js';
import { staticResolver, type ReferenceResolver } from '../src/mapping/resolver.js';
import { contactProperties } from '../sandbox/hubspot/seed-properties.js';
import { seedWorld } from '../sandbox/seed.js';

const COUNT = 100_000;

const ROUNDS = 15;

function records(): { contacts: SourceRecord[]; resolver: ReferenceResolver } {
  const world = seedWorld({ seed: 7, contacts: COUNT, companies: 500 });
  const links: Record<string, string> = {};
  world.companies.forEach((_, i) => (links[String(1000 + i)] = String(5000 + i)));
  const countries = Object.fromEntries(Object.values(COUNTRY_CODES).map((code, i) => [code, String(i + 1)]));
  const contacts = world.contacts.map((person, i) => {
    const company =
      person.company === null
        ? undefined
        : { name: world.companies[person.company]?.name ?? '', id: 1000 + person.company };
    return {
      id: String(i + 1),
      modifiedAt: new Date(person.modifiedAt).toISOString(),
      deleted: false,
      fields: contactProperties(person, company),
    };
  });
  return {
    contacts,
    resolver: staticResolver({ links: { companies: links }, catalogs: { 'erp:res.country:code': countries } }),
  };
}

/** Records per second of `fn` over `contacts`, once. */
function rate(fn: (record: SourceRecord) => unknown, contacts: readonly SourceRecord[]): number {
  let sink = 0;
  const start = performance.now();
  for (const contact of contacts) if (fn(contact) !== null) sink++;
  const ms = performance.now() - start;
  if (sink === 0) throw new Error('nothing mapped');
  return (contacts.length / ms) * 1000;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Runs the contenders in alternating rounds (so a noisy neighbour slows both alike) and returns
 * each one's median rate; the first two rounds warm the JIT up.
 */
function race(contenders: Record<string, () => number>): { rates: Record<string, number>; ratio: number } {
  const rates: Record<string, number[]> = {};
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const now: Record<string, number> = {};
    for (const [name, run] of Object.entries(contenders)) now[name] = run();
    if (round < 2) continue;
    for (const [name, r] of Object.entries(now)) (rates[name] ??= []).push(r);
    // The ratio of back-to-back runs: steadier than a ratio of medians on a busy machine.
    ratios.push((now['hand'] ?? 0) / (now['compiled'] ?? 1));
  }
  return {
    rates: Object.fromEntries(Object.entries(rates).map(([name, list]) => [name, median(list)])),
    ratio: median(ratios),
  };
}

const { contacts, resolver } = records();
const mapping = loadMapping(path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml'));
// The two must agree, or the comparison means nothing.
for (const contact of contacts.slice(0, 2000)) {
  const mapped = mapping.toErp(contact, resolver);
  const expected = handWritten(contact, resolver);
  if (!isDeepStrictEqual(mapped.ok ? mapped.fields : null, expected))
    throw new Error(`outputs differ for ${contact.id}: ${JSON.stringify(mapped)} vs ${JSON.stringify(expected)}`);
}
const partners = contacts.map((c) => {
  const r = mapping.toErp(c, resolver);
  return { ...c, fields: r.ok ? r.fields : {} };
});
const results = race({
  compiled: () =>
    rate((c) => {
      const r = mapping.toErp(c, resolver);
      return r.ok ? r.fields : null;
    }, contacts),
  hand: () => rate((c) => handWritten(c, resolver), contacts),
  back: () =>
    rate((c) => {
      const r = mapping.toCrm(c, resolver);
      return r.ok ? r.fields : null;
    }, partners),
});
const compiled = results.rates['compiled'] ?? 0;
const hand = results.rates['hand'] ?? 0;
const back = results.rates['back'] ?? 0;
const ratio = results.ratio;
const line = (label: string, value: number): string =>
  `${label.padEnd(34)} ${Math.round(value).toLocaleString('en-US').padStart(12)} records/s\n`;
process.stdout.write(line('mapping (run path), CRM -> ERP', compiled));
process.stdout.write(line('hand-written function, CRM -> ERP', hand));
process.stdout.write(line('mapping (run path), ERP -> CRM', back));
process.stdout.write(`ratio hand-written / compiled: ${ratio.toFixed(2)}x\n`);
const report = `# Benchmark results

\`npm run bench\`: ${COUNT.toLocaleString('en-US')} HubSpot-shaped contacts (the sandbox seed's shape) through
\`mappings/hubspot-contacts-to-odoo-partners.yaml\` on the path a run takes (\`canonical\`, then
\`encode\`: \`toErp\` is exactly those two steps), with a resolver for the company links and the
country catalog, against a hand-written function producing the same payloads (checked equal on the
first 2,000). Median of ${ROUNDS} alternating rounds after 2 warm-up rounds; the ratio is the median of
the rounds' own ratios.

| run | records/s |
| --- | ---: |
| mapping, run path, CRM -> ERP (\`toErp\` = \`canonical\` + \`encode\`) | ${Math.round(compiled).toLocaleString('en-US')} |
| hand-written function, CRM -> ERP | ${Math.round(hand).toLocaleString('en-US')} |
| mapping, run path, ERP -> CRM (\`toCrm\`) | ${Math.round(back).toLocaleString('en-US')} |

Ratio (hand-written rate / compiled rate, CRM -> ERP): **${ratio.toFixed(2)}x** (until 2026-12 a generated function that runs never executed was measured here, at 1.3x).
${provenance()}
`;
fs.writeFileSync(path.resolve('bench/RESULTS.md'), report);
