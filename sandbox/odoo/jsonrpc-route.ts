/**
 * The sandbox's `POST /jsonrpc`: Odoo's external JSON-RPC API, with the faults a client of a real
 * Odoo behind a reverse proxy meets (dropped connections, plain-text 5xx pages, 429 with
 * `Retry-After`, a write applied whose answer never arrives) and the write transaction's timing
 * (clock offset, commit delay).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../src/logger.js';
import { dropConnection, sleep, type FaultDecision, type FaultInjector } from '../faults.js';
import { handleRpc, type RpcOptions } from './rpc.js';
import type { Clock } from './store.js';
import { transactionTiming } from './transaction.js';

/** What the route serves with. */
export interface JsonRpcRoute {
  readonly rpc: RpcOptions;
  readonly clock: Clock;
  readonly faults: FaultInjector;
  readonly logger: Logger;
}

const PROXY_PAGES: Readonly<Record<number, string>> = {
  500: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n',
  502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

/**
 * Calls whose answer a `lost-response` fault drops after the change is applied: the ORM's writes
 * and the quote-to-cash buttons and wizard actions (a lost `create_invoices` answer is how an
 * order gets invoiced twice by a client that retries blindly).
 */
const WRITE_METHODS = new Set([
  'create',
  'write',
  'unlink',
  'action_confirm',
  'action_cancel',
  'action_draft',
  'action_quotation_sent',
  'action_lock',
  'action_unlock',
  'action_post',
  'button_cancel',
  'button_draft',
  'create_invoices',
  'action_create_payments',
]);

/** Answers one `POST /jsonrpc`. */
export async function answerJsonRpc(
  route: JsonRpcRoute,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | void> {
  const { faults } = route;
  const fault = faults.decide();
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (
    fault.kind === 'reset' ||
    fault.kind === 'timeout' ||
    fault.kind === 'rate-limit' ||
    fault.kind === 'server-error'
  )
    faults.applied(fault.kind);
  if (fault.kind === 'reset' || fault.kind === 'timeout') {
    if (fault.kind === 'timeout') await sleep(fault.hangMs);
    dropConnection(request);
    return reply.hijack();
  }
  if (fault.kind === 'rate-limit' || fault.kind === 'server-error') return renderFault(reply, fault);
  let body: unknown;
  try {
    body = JSON.parse(typeof request.body === 'string' ? request.body : '');
  } catch {
    return reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send('<!doctype html>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Invalid JSON data</p>\n');
  }
  const response = await runCall(route, body);
  if (fault.kind === 'lost-response' && WRITE_METHODS.has(describeCall(body).split('.').pop() ?? '')) {
    // The write was applied; its answer never arrives.
    faults.applied(fault.kind);
    dropConnection(request);
    return reply.hijack();
  }
  return reply.code(200).type('application/json').send(JSON.stringify(response));
}

/** Runs the call; a write's transaction is stamped now (or off by the clock offset), visible after its commit delay. */
async function runCall(
  { rpc, clock, faults, logger }: JsonRpcRoute,
  body: unknown,
): Promise<ReturnType<typeof handleRpc>> {
  const started = performance.now();
  const timing = transactionTiming(body, () => faults.commitDelay());
  let response: ReturnType<typeof handleRpc>;
  if (timing === undefined) response = handleRpc(rpc, body);
  else {
    const stamp = clock.stampAt(timing.clockOffsetMs);
    if (timing.commitDelayMs > 0) await sleep(timing.commitDelayMs);
    response = clock.during(stamp, () => handleRpc(rpc, body));
  }
  logger.debug(
    { method: describeCall(body), ms: Math.round(performance.now() - started), error: response.error?.data.name },
    'odoo sandbox rpc',
  );
  return response;
}

function renderFault(
  reply: FastifyReply,
  fault: Extract<FaultDecision, { kind: 'rate-limit' | 'server-error' }>,
): FastifyReply {
  if (fault.kind === 'rate-limit') {
    // Odoo itself has no rate limiter; this is what a proxy in front of it (nginx limit_req, a WAF) sends.
    return reply
      .code(429)
      .header('retry-after', String(fault.retryAfterSeconds))
      .type('text/plain; charset=utf-8')
      .send('Too Many Requests\n');
  }
  return reply
    .code(fault.status)
    .type('text/html; charset=utf-8')
    .send(PROXY_PAGES[fault.status] ?? PROXY_PAGES[500]);
}

/** A call's `model.method` (object service) or `service.method`. */
export function describeCall(body: unknown): string {
  const params = (body as { params?: { service?: unknown; method?: unknown; args?: unknown } } | null)?.params;
  if (params?.service === 'object' && Array.isArray(params.args))
    return `${String(params.args[3])}.${String(params.args[4])}`;
  return `${String(params?.service)}.${String(params?.method)}`;
}
