/** `tandem status`: where every sync stands, read from the state store alone (no vendor calls). */
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { collectStatus, type CheckpointStatus, type SyncStatus } from '../../control/status.js';
import { openForCommand } from './common.js';

export async function statusCommand(
  flags: { readonly config: string; readonly json?: boolean },
  out: Output,
): Promise<number> {
  const app = await openForCommand(flags.config, { connect: false });
  try {
    const syncs = await collectStatus(app);
    const saved = new Map((await app.store.breakers()).map((b) => [b.connector, b]));
    const connectors = Object.values(app.config.connectors).map((c) => ({
      name: c.name,
      kind: c.base.kind,
      circuit: saved.get(c.name)?.circuit ?? 'closed',
      circuitSince: saved.get(c.name)?.updatedAt ?? null,
    }));
    if (flags.json === true) {
      out.json({ stateFile: app.config.stateFile, connectors, syncs });
    } else {
      for (const c of connectors) {
        out.line(
          `connector ${c.name} (${c.kind}): circuit ${c.circuit}${c.circuitSince === null ? '' : ` since ${c.circuitSince}`}`,
        );
      }
      for (const s of syncs) out.line(describeSync(s));
    }
    return EXIT_OK;
  } finally {
    await app.close();
  }
}

const checkpointText = (c: CheckpointStatus): string => (c === null ? 'none' : c.modifiedAt);

/** One sync on one line: its state first (paused, disabled), then where it stands and what waits for a person. */
export function describeSync(s: SyncStatus): string {
  const state = s.paused ? 'paused' : s.enabled ? 'enabled' : 'disabled';
  const lease =
    s.lease === null
      ? 'lease free'
      : `held by ${s.lease.purpose} pid ${s.lease.pid} on ${s.lease.host} since ${s.lease.since} (expires ${s.lease.expiresAt})`;
  return [
    `${s.sync}: ${state} (${s.schedule})`,
    `checkpoints crm ${checkpointText(s.checkpoints.crm)}, erp ${checkpointText(s.checkpoints.erp)}`,
    `last run ${s.lastRun === null ? 'never' : `#${s.lastRun.id} ${s.lastRun.kind} ${s.lastRun.status}`}`,
    `lag ${s.lagSeconds === null ? 'unknown' : `${s.lagSeconds} s`}`,
    `links ${s.links}`,
    `outbox pending ${s.outbox.pending}`,
    `open conflicts ${s.conflicts}`,
    `dead letters ${s.deadLetters}`,
    `ambiguous ${s.ambiguousMatches}`,
    lease,
  ].join('; ');
}
