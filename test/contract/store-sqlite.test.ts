/** The state store contract on SQLite files (the default engine). */
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { StateStore } from '../../state/index.js';
import { tempDir } from '../helpers/tmp.js';
import { storeContract } from './store-contract.js';

describe('state store contract: SQLite', () => {
  const tmp = tempDir();
  let file = '';
  let n = 0;
  afterAll(() => tmp.cleanup());
  storeContract(() => ({
    reset: () => {
      n += 1;
      file = path.join(tmp.dir, `tandem-${n}.sqlite`);
      return Promise.resolve();
    },
    // Several stores in one process stand for several processes: a synchronous driver that waited
    // inside SQLite for the write lock would block the event loop, and with it the holder's commit;
    // failing busy at once leaves the wait to the store's own (asynchronous) retry.
    open: (now) => StateStore.open(file, now, { busyTimeoutMs: 0 }),
  }));
});
