/** How a lease holder is named to a person kept out by it: command, pid, host, since when. */
import { LeaseHeldError, type LeaseInfo, type LeasePurpose } from '../../state/index.js';

const COMMANDS: Record<LeasePurpose, string> = {
  daemon: 'the daemon (tandem start)',
  run: 'tandem run',
  backfill: 'tandem backfill',
  repair: 'tandem drift --repair',
};

/** `the daemon (tandem start), pid 4242 on host-a since 2026-12-01T23:40:00.000Z (last heartbeat 3 s ago)`. */
export function describeHolder(holder: LeaseInfo, now: Date = new Date()): string {
  const ago = Math.max(0, Math.round((now.getTime() - Date.parse(holder.heartbeatAt)) / 1000));
  return `${COMMANDS[holder.purpose]}, pid ${holder.pid} on ${holder.host} since ${holder.acquiredAt} (last heartbeat ${ago} s ago, expires ${holder.expiresAt})`;
}

/** The error a command stops with when `sync` is held and it was not asked to wait. */
export function leaseHeldError(sync: string, holder: LeaseInfo, now: Date = new Date()): LeaseHeldError {
  const daemon =
    holder.purpose === 'daemon'
      ? ` The daemon runs "${sync}" on its schedule; with its server on, POST /api/syncs/${sync}/run asks it for a run now.`
      : '';
  return new LeaseHeldError(
    `sync "${sync}" is held by ${describeHolder(holder, now)}: one writer per sync. ` +
      `Wait for it with --wait (optionally --wait SECONDS), or stop that process first.${daemon}`,
    holder,
  );
}
