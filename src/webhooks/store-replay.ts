/** The daemon's webhook replay memory: accepted signatures kept in the state store, per connector. */
import type { StateStore } from '../../state/index.js';
import type { ReplayMemory } from './verify.js';

/** Keeps `connector`'s accepted signatures in `store` until their window passes (survives a restart). */
export function storeReplay(store: StateStore, connector: string): ReplayMemory {
  return {
    remember: (signature, expiresAtMs, nowMs) => store.rememberWebhook(connector, signature, expiresAtMs, nowMs),
  };
}
