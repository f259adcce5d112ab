/**
 * What the floor (floor.ts) and the peer (peer.ts) share: their settings from the environment
 * backfill.ts passes, the contact properties they read (the shipped mapping's, plus what the floor
 * needs to page), and a bare Odoo JSON-RPC session with the country catalogue for the hand mapping.
 */
import { staticResolver, type ReferenceResolver } from '../src/mapping/resolver.js';

/** A required setting from the environment; `who` names the script in the error. */
export function env(who: string, name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${who}: ${name} is not set`);
  return value;
}

/** The contact properties the shipped contact mapping reads. */
export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'jobtitle',
  'address',
  'city',
  'zip',
  'company',
  'country',
] as const;

export interface OdooSession {
  /** `execute_kw` as the logged-in user. */
  kw(model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  /** The hand mapping's resolver: the country catalogue by ISO code, no links. */
  resolver: ReferenceResolver;
}

/** Logs in to the Odoo at `url` (`/jsonrpc`, database `tandem`, user `admin`) and reads the countries once. */
export async function odooSession(url: string, password: string): Promise<OdooSession> {
  let rpcId = 0;
  const call = async (service: string, method: string, args: unknown[]): Promise<unknown> => {
    const response = await fetch(`${url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++rpcId, params: { service, method, args } }),
    });
    const body = (await response.json()) as { result?: unknown; error?: { message: string } };
    if (body.error !== undefined) throw new Error(`Odoo ${method}: ${body.error.message}`);
    return body.result;
  };
  const uid = (await call('common', 'login', ['tandem', 'admin', password])) as number;
  const kw = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> =>
    call('object', 'execute_kw', ['tandem', uid, password, model, method, args, kwargs]);
  const countries = (await kw('res.country', 'search_read', [[]], { fields: ['code'] })) as {
    id: number;
    code: string;
  }[];
  const resolver = staticResolver({
    links: {},
    catalogs: { 'erp:res.country:code': Object.fromEntries(countries.map((c) => [c.code, String(c.id)])) },
  });
  return { kw, resolver };
}
