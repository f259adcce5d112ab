/**
 * Who this process is to the lease table, and whether a holder on this host is still alive.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { LeaseHolder, LeaseInfo, LeasePurpose } from '../../state/index.js';

/**
 * This process's own random tag, part of every owner it creates: a holder with our pid but another
 * tag is an earlier life of the same pid (a container's pid 1 after a restart), not us.
 */
const PROCESS_TAG = randomBytes(4).toString('hex');

/** A new holder identity: `host:pid:random`, unique per holder even within one process. */
export function newHolder(purpose: LeasePurpose): LeaseHolder {
  const host = os.hostname();
  return {
    owner: `${host}:${process.pid}:${PROCESS_TAG}${randomBytes(4).toString('hex')}`,
    host,
    pid: process.pid,
    purpose,
  };
}

/**
 * True when the holder ran on this host and its process is gone: its lease can be taken before its
 * expiry (a SIGKILLed daemon restarted at once). A holder on another host is only ever taken over
 * after its expiry; so is one whose pid is alive (even if reused by another program: safe, only slower).
 */
export function holderGone(holder: LeaseInfo): boolean {
  if (holder.owner === null || holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return !holder.owner.startsWith(`${holder.host}:${holder.pid}:${PROCESS_TAG}`);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
