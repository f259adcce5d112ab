/**
 * The daemon's lease gate: before each run of a sync, the store that run writes through, fenced by
 * the sync's lease (taken now if this daemon does not hold it yet and it is free), or the holder
 * that keeps this daemon out (a `tandem run` in another terminal): that run is skipped, and the
 * next trigger tries again.
 */
import type { LeaseInfo, StateStore } from '../../state/index.js';
import type { LeaseKeeper } from './keeper.js';

export type GateEntry = { readonly store: StateStore } | { readonly holder: LeaseInfo };

export interface LeaseGate {
  enter(sync: string): Promise<GateEntry>;
}

export function keeperGate(keeper: LeaseKeeper): LeaseGate {
  return {
    async enter(sync) {
      const held = keeper.storeFor(sync);
      if (held !== undefined) return { store: held };
      const result = await keeper.tryAcquire(sync);
      if (!result.acquired) return { holder: result.holder };
      const store = keeper.storeFor(sync);
      if (store === undefined) throw new Error(`lease of "${sync}" taken but not kept`);
      return { store };
    },
  };
}
