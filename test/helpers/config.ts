import fs from 'node:fs';
import path from 'node:path';

export interface TestConfigOptions {
  readonly dir: string;
  readonly contacts?: number;
  readonly companies?: number;
  readonly schedule?: string;
  readonly logLevel?: string;
  readonly pageSize?: number;
  readonly faults?: Readonly<Record<string, number>>;
  /** Per-request timeout for both connectors, ms. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly direction?: 'both' | 'crm-to-erp';
  readonly breaker?: { readonly failures: number; readonly halfOpenAfterMs: number };
  /** Adds the quote-to-cash sync `deals` (mappings/hubspot-deals-to-odoo-orders.yaml, or this file). */
  readonly deals?: boolean | string;
}

/** Writes a config like config.example.yaml into `dir`, on free ports, and returns its path. */
export function writeTestConfig(options: TestConfigOptions): string {
  const mapping = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
  const companies = path.resolve('mappings/hubspot-companies-to-odoo-companies.yaml');
  const faults = JSON.stringify(options.faults ?? {});
  const breaker = JSON.stringify(options.breaker ?? { failures: 5, halfOpenAfterMs: 30000 });
  const timeoutMs = options.timeoutMs ?? 30000;
  const text = `
dataDir: ./data
log: { level: ${options.logLevel ?? 'warn'} }
sandbox:
  enabled: true
  seed: 42
  contacts: ${options.contacts ?? 300}
  companies: ${options.companies ?? 40}
  crm: { port: 0 }
  erp: { port: 0 }
  faults: ${faults}
connectors:
  crm:
    kind: hubspot
    sandbox: crm
    secrets: { token: { env: TANDEM_TEST_UNSET_HUBSPOT_TOKEN } }
    retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 2000 }
    timeoutMs: ${timeoutMs}
    breaker: ${breaker}
  erp:
    kind: odoo
    sandbox: erp
    secrets: { password: { env: TANDEM_TEST_UNSET_ODOO_KEY } }
    retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 2000 }
    timeoutMs: ${timeoutMs}
    breaker: ${breaker}
syncs:
  companies:
    mapping: ${JSON.stringify(companies)}
    crm: crm
    erp: erp
    direction: ${options.direction ?? 'both'}
    schedule: "${options.schedule ?? '0 0 1 1 *'}"
    pageSize: ${options.pageSize ?? 100}
    maxAttempts: ${options.maxAttempts ?? 5}
  contacts:
    mapping: ${JSON.stringify(mapping)}
    crm: crm
    erp: erp
    direction: ${options.direction ?? 'both'}
    schedule: "${options.schedule ?? '0 0 1 1 *'}"
    pageSize: ${options.pageSize ?? 100}
    maxAttempts: ${options.maxAttempts ?? 5}
${options.deals === undefined || options.deals === false ? '' : dealsSync(options)}`;
  const file = path.join(options.dir, 'config.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function dealsSync(options: TestConfigOptions): string {
  const mapping = path.resolve(
    typeof options.deals === 'string' ? options.deals : 'mappings/hubspot-deals-to-odoo-orders.yaml',
  );
  return `  deals:
    mapping: ${JSON.stringify(mapping)}
    crm: crm
    erp: erp
    direction: both
    schedule: "${options.schedule ?? '0 0 1 1 *'}"
    pageSize: ${options.pageSize ?? 100}
    maxAttempts: ${options.maxAttempts ?? 5}
`;
}

/** The shipped contact mapping without its reference to the companies sync, for one-sync configs; returns its path. */
export function writeStandaloneContactsMapping(dir: string): string {
  const mapping = path.join(dir, 'contacts.yaml');
  fs.writeFileSync(
    mapping,
    fs
      .readFileSync('mappings/hubspot-contacts-to-odoo-partners.yaml', 'utf8')
      .split('\n')
      .filter((line) => !line.includes('reference: companies'))
      .join('\n')
      .replace('../schemas/', ''),
  );
  return mapping;
}

export interface TrytonTestConfigOptions {
  readonly seed: number;
  readonly contacts: number;
  readonly companies: number;
  /** The Tryton server (test/integration/tryton/server.ts's env) and the test's own database. */
  readonly tryton: { readonly url: string; readonly login: string; readonly passwordFile: string };
  readonly db: string;
  /** Sync name -> mapping file under mappings/, each both ways, pages of 50, in this order. */
  readonly syncs: Readonly<Record<string, string>>;
  /** More keys of each sync (`maxAttempts: 5`), one per line. */
  readonly syncExtra?: readonly string[];
}

/** The YAML of a config with the HubSpot sandbox and a real Tryton server, as the Tryton e2e tests run. */
export function trytonTestConfig(options: TrytonTestConfigOptions): string {
  const syncs = Object.entries(options.syncs)
    .map(
      ([name, file]) => `  ${name}:
    mapping: ${JSON.stringify(path.resolve(`mappings/${file}`))}
    crm: crm
    erp: erp
    direction: both
    schedule: "0 0 1 1 *"
    pageSize: 50
${(options.syncExtra ?? []).map((line) => `    ${line}\n`).join('')}`,
    )
    .join('');
  return `
dataDir: ./data
log: { level: warn }
sandbox:
  enabled: true
  seed: ${options.seed}
  contacts: ${options.contacts}
  companies: ${options.companies}
  crm: { port: 0 }
  erp: { port: 0 }
connectors:
  crm:
    kind: hubspot
    sandbox: crm
    secrets: { token: { env: TANDEM_TEST_UNSET_HUBSPOT_TOKEN } }
    retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 2000 }
  erp:
    kind: tryton
    url: ${JSON.stringify(options.tryton.url)}
    db: ${JSON.stringify(options.db)}
    login: ${JSON.stringify(options.tryton.login)}
    secrets: { password: { file: ${JSON.stringify(options.tryton.passwordFile)} } }
    retry: { limit: 3, baseDelayMs: 50, maxDelayMs: 2000 }
syncs:
${syncs}`;
}
