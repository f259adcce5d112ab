/**
 * The sandbox of `bench/profile-backfill.ts`, in its own process so that its CPU is not counted as
 * the engine's: HubSpot and Odoo seeded with one world, HubSpot's rate limits lifted (the engine,
 * not the vendor's limit, is what is measured). Prints one JSON line `{ crm, erp }` with the URLs
 * once both listen; closes on SIGTERM. Usage: node dist/bench/profile-sandbox.js DIR CONTACTS COMPANIES
 */
import { silentLogger } from '../src/logger.js';
import { startHubspotSandbox } from '../sandbox/hubspot/index.js';
import { SANDBOX_SECRETS } from '../sandbox/index.js';
import { startOdooSandbox } from '../sandbox/odoo/index.js';
import { seedWorld } from '../sandbox/seed.js';

const [dir, contacts, companies] = process.argv.slice(2);
if (dir === undefined || contacts === undefined || companies === undefined)
  throw new Error('usage: profile-sandbox DIR CONTACTS COMPANIES');
const world = seedWorld({ seed: 42, contacts: Number(contacts), companies: Number(companies) });
const logger = silentLogger();
const unlimited = { max: 1e9, searchPerSecond: 1e9, daily: 1e12 };
const crm = await startHubspotSandbox(
  { dataDir: dir, port: 0, world, secret: SANDBOX_SECRETS.crm.token, logger },
  { rateLimit: unlimited },
);
const erp = await startOdooSandbox({ dataDir: dir, port: 0, world, secret: SANDBOX_SECRETS.erp.password, logger });
process.stdout.write(`${JSON.stringify({ crm: crm.url, erp: erp.url })}\n`);
process.on('SIGTERM', () => {
  void Promise.allSettled([crm.close(), erp.close()]).then(() => process.exit(0));
});
