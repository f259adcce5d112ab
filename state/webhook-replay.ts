/**
 * The webhook replay memory: a signature accepted once is refused again until its tolerance
 * window has passed, across restarts (an in-process set forgot it, so a captured request was
 * accepted once more after a restart). Expired rows are pruned on every call.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Remembers `signature` of `connector` until `expiresAtMs`; true when it was new (accept the
 * request), false when an unexpired entry already held it (a replay). Atomic: of two requests
 * racing with the same signature, exactly one is accepted.
 */
export async function rememberWebhook(
  db: Kysely<Database>,
  connector: string,
  signature: string,
  expiresAtMs: number,
  nowMs: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhook_replay').where('expires_at', '<', nowMs).execute();
    const result = await trx
      .insertInto('webhook_replay')
      .values({ connector, signature, expires_at: expiresAtMs })
      .onConflict((oc) => oc.columns(['connector', 'signature']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  });
}
