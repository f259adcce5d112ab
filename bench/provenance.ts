/** Where a benchmark figure comes from: the day, the commit and the machine it was measured on. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The commit measured, so a figure can be traced to its code ("unknown" outside a git checkout). */
export function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty === '' ? head : `${head} (with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

/** One line for a results file: `Measured <date> at commit <sha>; machine: Node ..., cores`. */
export function provenance(): string {
  const date = new Date().toISOString().slice(0, 10);
  return `Measured ${date} at commit ${commit()}; machine: Node ${process.version}, ${process.platform} ${process.arch}, ${os.cpus().length} cores.`;
}
