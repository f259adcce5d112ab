/**
 * `/readyz`: the daemon can do its job. Each check names what failed: the state store does not
 * answer, a connector's circuit is open, a sync has not succeeded within its `staleAfterMs`, or a
 * connector's webhooks fell silent while polling still finds changes.
 */
import type { SyncEntry } from '../config/load.js';
import type { RuntimeConnector } from '../runtime/instrument.js';
import type { SilenceState } from '../webhooks/silence.js';
import type { StateStore } from '../../state/index.js';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface ReadinessInput {
  readonly store: StateStore;
  readonly connectors: Readonly<Record<string, RuntimeConnector>>;
  readonly syncs: readonly SyncEntry[];
  /** Last successful run finish by sync (from collectStatus). */
  readonly lastSuccess: ReadonlyMap<string, string | null>;
  readonly paused: (sync: string) => boolean;
  readonly webhooks: readonly SilenceState[];
  readonly startedAt: number;
  readonly now: number;
}

export async function storeCheck(store: StateStore): Promise<Check> {
  try {
    await store.ping();
    return { name: 'state-store', ok: true };
  } catch (error) {
    return { name: 'state-store', ok: false, detail: `the state store does not answer: ${String(error)}` };
  }
}

/** Every check but the store's (which needs I/O and comes first). */
export function readinessChecks(input: ReadinessInput): Check[] {
  const checks: Check[] = [];
  for (const connector of Object.values(input.connectors)) {
    const state = connector.circuit?.state();
    if (state === undefined) continue;
    checks.push(
      // `isolated` is a circuit held open by hand: just as unready.
      state === 'open' || state === 'isolated'
        ? { name: `circuit:${connector.name}`, ok: false, detail: `the circuit of ${connector.name} is ${state}` }
        : { name: `circuit:${connector.name}`, ok: true },
    );
  }
  for (const sync of input.syncs) {
    const limit = sync.staleAfterMs;
    if (limit === undefined || !sync.enabled || input.paused(sync.name)) continue;
    const last = input.lastSuccess.get(sync.name) ?? null;
    const since = last === null ? input.startedAt : Date.parse(last);
    const age = input.now - since;
    checks.push(
      age > limit
        ? {
            name: `stale:${sync.name}`,
            ok: false,
            detail: `no successful run of ${sync.name} for ${Math.round(age / 1000)} s (limit ${Math.round(limit / 1000)} s; last ${last ?? 'never'})`,
          }
        : { name: `stale:${sync.name}`, ok: true },
    );
  }
  for (const webhook of input.webhooks) {
    checks.push(
      webhook.alarm
        ? {
            name: `webhooks:${webhook.connector}`,
            ok: false,
            detail: `no verified webhook from ${webhook.connector} since ${webhook.lastEventAt ?? 'start'} while polling finds changes`,
          }
        : { name: `webhooks:${webhook.connector}`, ok: true },
    );
  }
  return checks;
}
