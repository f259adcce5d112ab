/**
 * The mapping's `crmProperties` (the deal properties an order's number and state flow back into):
 * created, where the CRM connector can (`properties.ensure`), before the first write to the CRM,
 * once per process for each connector, object and list. A failure is not remembered: the next
 * delivery asks again, and the error stops this run's delivery like a failed batch would.
 */
import type { RunContext } from './context.js';

const ensured = new WeakMap<object, Map<string, Promise<void>>>();

/** Makes sure the sync's CRM properties exist; resolves at once when there are none, or already done. */
export function ensureCrmProperties(ctx: RunContext): Promise<void> {
  const { sync, logger } = ctx;
  const specs = sync.mapping.policies.crmProperties;
  const support = sync.crm.properties;
  if (specs.length === 0 || support === undefined) return Promise.resolve();
  const object = sync.mapping.crmObject;
  const key = `${object}\u0000${JSON.stringify(specs)}`;
  const done = ensured.get(sync.crm) ?? new Map<string, Promise<void>>();
  ensured.set(sync.crm, done);
  const known = done.get(key);
  if (known !== undefined) return known;
  const pending = support.ensure(object, specs).then(
    (created) => {
      if (created.length > 0) logger.info({ sync: sync.name, object, created }, 'CRM properties created');
    },
    (error: unknown) => {
      done.delete(key);
      throw error;
    },
  );
  done.set(key, pending);
  return pending;
}
