/**
 * Deals made and won through HubSpot's own API against the sandbox, for tests that need many
 * open deals with line items (more than the seed's one deal per two companies would give a small
 * world): v3 batch create of line items (from the catalogue's products), then of deals associated
 * to their company (Primary, type 5) and their line items (type 19), and wins by v3 batch update.
 */
import { SANDBOX_SECRETS } from '../../sandbox/index.js';

type Row = Record<string, unknown>;

/** One line item as HubSpot holds it (its strings). */
export interface MadeLine {
  readonly sku: string;
  readonly quantity: string;
  readonly price: string;
  readonly discount: string | null;
  /** HubSpot's net price of the line. */
  readonly amount: string;
}

export interface MadeDeal {
  readonly id: string;
  readonly companyId: string;
  readonly lines: readonly MadeLine[];
  /** The deal's amount: the sum of its lines' net prices, as HubSpot shows it. */
  readonly amount: string;
}

export interface HubspotClient {
  /** One call; the status and parsed body (throws when the connection drops). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Row }>;
  /** One call that must succeed (2xx, not a multi-status); the body. */
  ok(method: string, path: string, body?: unknown): Promise<Row>;
}

export function hubspotClient(url: string): HubspotClient {
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Row }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${SANDBOX_SECRETS.crm.token}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(15_000),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Row) };
  };
  return {
    call,
    async ok(method, path, body) {
      const answer = await call(method, path, body);
      if (answer.status >= 300)
        throw new Error(`HubSpot ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
  };
}

const results = (body: Row): Row[] => body['results'] as Row[];
const propertiesOf = (row: Row): Record<string, string | null> => row['properties'] as Record<string, string | null>;

/** Cents of a decimal string with at most two places. */
const cents = (text: string): number => Math.round(Number(text) * 100);

/**
 * Makes `count` deals in `stage`, each with one to four lines of distinct products (quantity 1-12,
 * a quarter with a 5-20% discount), associated to a company drawn from `companyIds`. Needs a
 * sandbox without faults (creates are not retried). The deal's amount is set to the sum of the
 * lines' net prices HubSpot calculated.
 */
export async function makeDeals(
  hubspot: HubspotClient,
  options: { count: number; stage: string; companyIds: readonly string[]; random: () => number },
): Promise<MadeDeal[]> {
  const { random } = options;
  const products = results(await hubspot.ok('GET', '/crm/v3/objects/products?limit=100&properties=hs_sku,price'));
  const made: MadeDeal[] = [];
  for (let start = 0; start < options.count; start += 25) {
    const batch = Math.min(25, options.count - start);
    // Line items first (at most 100 per batch: 25 deals x 4 lines), each traced to its deal.
    const inputs: Row[] = [];
    for (let d = 0; d < batch; d++) {
      const picked = new Set<number>();
      const lines = 1 + Math.floor(random() * 4);
      for (let l = 0; l < lines; l++) picked.add(Math.floor(random() * products.length));
      for (const p of picked) {
        const discount = random() < 0.25 ? String([5, 10, 15, 20][Math.floor(random() * 4)]) : undefined;
        inputs.push({
          objectWriteTraceId: `${d}:${inputs.length}`,
          properties: {
            hs_product_id: String(products[p]?.['id']),
            quantity: String(1 + Math.floor(random() * 12)),
            ...(discount === undefined ? {} : { hs_discount_percentage: discount }),
          },
        });
      }
    }
    const items = results(await hubspot.ok('POST', '/crm/v3/objects/line_items/batch/create', { inputs }));
    const byDeal = new Map<number, Row[]>();
    for (const item of items) {
      const d = Number(String(item['objectWriteTraceId']).split(':')[0]);
      byDeal.set(d, [...(byDeal.get(d) ?? []), item]);
    }
    const deals: { companyId: string; items: Row[]; lines: MadeLine[]; amount: string }[] = [];
    for (let d = 0; d < batch; d++) {
      const dealItems = byDeal.get(d) ?? [];
      const lines = dealItems.map((item) => {
        const p = propertiesOf(item);
        return {
          sku: String(p['hs_sku']),
          quantity: String(p['quantity']),
          price: String(p['price']),
          discount: p['hs_discount_percentage'] ?? null,
          amount: String(p['amount']),
        };
      });
      const total = lines.reduce((sum, line) => sum + cents(line.amount), 0);
      const companyId = options.companyIds[Math.floor(random() * options.companyIds.length)] ?? '';
      deals.push({ companyId, items: dealItems, lines, amount: (total / 100).toFixed(2) });
    }
    const created = results(
      await hubspot.ok('POST', '/crm/v3/objects/deals/batch/create', {
        inputs: deals.map((deal, d) => ({
          objectWriteTraceId: String(d),
          properties: {
            dealname: `Crash test deal ${start + d + 1}`,
            dealstage: options.stage,
            pipeline: 'default',
            amount: deal.amount,
            deal_currency_code: 'EUR',
          },
          associations: [
            { to: { id: deal.companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] },
            ...deal.items.map((item) => ({
              to: { id: String(item['id']) },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 19 }],
            })),
          ],
        })),
      }),
    );
    for (const row of created) {
      const deal = deals[Number(row['objectWriteTraceId'])];
      if (deal === undefined)
        throw new Error(`deal create answered an unknown trace id ${String(row['objectWriteTraceId'])}`);
      made.push({ id: String(row['id']), companyId: deal.companyId, lines: deal.lines, amount: deal.amount });
    }
  }
  return made;
}

/**
 * Moves the deals to closed-won by batch update, through whatever the sandbox's faults do: a lost
 * response or a rejected input is retried (setting a stage is idempotent) until a batch read shows
 * every deal won. Returns how many attempts it took.
 */
export async function winDeals(hubspot: HubspotClient, ids: readonly string[]): Promise<number> {
  let pending = [...ids];
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      await hubspot.call('POST', '/crm/v3/objects/deals/batch/update', {
        inputs: pending.map((id) => ({ id, properties: { dealstage: 'closedwon' } })),
      });
    } catch {
      // The connection dropped (a lost response): the read below says what was applied.
    }
    try {
      const read = await hubspot.call('POST', '/crm/v3/objects/deals/batch/read', {
        inputs: pending.map((id) => ({ id })),
        properties: ['dealstage'],
      });
      if (read.status < 300) {
        const won = new Set(
          results(read.body)
            .filter((r) => propertiesOf(r)['dealstage'] === 'closedwon')
            .map((r) => String(r['id'])),
        );
        pending = pending.filter((id) => !won.has(id));
      }
    } catch {
      // Dropped as well: read again on the next attempt.
    }
    if (pending.length === 0) return attempt;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`deals not won after 20 attempts: ${pending.join(', ')}`);
}
