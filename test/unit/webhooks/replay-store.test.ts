import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { storeReplay } from '../../../src/webhooks/store-replay.js';
import { tandemSignatureHeader } from '../../../src/webhooks/tandem-hmac.js';
import { createWebhookVerifier, type IncomingWebhook } from '../../../src/webhooks/verify.js';
import { tempDir } from '../../helpers/tmp.js';

const SECRET = 'erp-webhook-secret';
const BODY = JSON.stringify({ model: 'res.partner', ids: [7] });
const settings = { scheme: 'hmac-sha256', toleranceMs: 300_000 } as const;

describe('webhook replay memory in the state store', () => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'tandem.sqlite');
  });
  afterEach(() => cleanup());

  it('refuses a captured request after a restart (a new store on the same file)', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const request: IncomingWebhook = {
      method: 'POST',
      url: 'http://127.0.0.1/webhooks/erp',
      body: BODY,
      headers: { 'x-tandem-signature': tandemSignatureHeader(SECRET, BODY, nowS) },
    };
    const first = await StateStore.open(file);
    const before = createWebhookVerifier(settings, () => SECRET, Date.now, storeReplay(first, 'erp'));
    expect(await before.verify(request)).toEqual({ ok: true });
    await first.close();

    const second = await StateStore.open(file);
    try {
      const after = createWebhookVerifier(settings, () => SECRET, Date.now, storeReplay(second, 'erp'));
      expect(await after.verify(request)).toEqual({ ok: false, reason: 'replayed' });
      // Kept per connector: the same bytes sent to another connector's endpoint are judged on their own.
      expect(await storeReplay(second, 'crm').remember('sig', Date.now() + 1000, Date.now())).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('keeps a signature until its window passes, then prunes it', async () => {
    const store = await StateStore.open(file);
    try {
      expect(await store.rememberWebhook('erp', 'a', 1_000, 500)).toBe(true);
      expect(await store.rememberWebhook('erp', 'a', 1_000, 900)).toBe(false);
      // Past its expiry the row is pruned, so the same key is new again (the timestamp check refuses it in practice).
      expect(await store.rememberWebhook('erp', 'b', 3_000, 2_000)).toBe(true);
      expect(await store.rememberWebhook('erp', 'a', 3_000, 2_000)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
