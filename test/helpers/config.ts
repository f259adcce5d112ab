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
