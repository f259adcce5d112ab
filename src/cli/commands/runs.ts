/**
 * `tandem runs [--sync S]`: the run history, newest first; `tandem runs show <id> [--record ID]`:
 * what one run changed, record by record, with each field before -> after (docs/operations.md).
 */
import { TandemError } from '../../errors.js';
import { changeLines, changeView, runLine, runView } from '../../pipeline/history-view.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { openForCommand } from './common.js';

interface RunsFlags {
  readonly config: string;
  readonly sync?: string;
  readonly limit?: string;
  readonly record?: string;
  readonly json?: boolean;
}

export async function runsCommand(flags: RunsFlags, out: Output): Promise<number> {
  const app = await openForCommand(flags.config, { connect: false });
  try {
    if (flags.sync !== undefined && app.config.syncs[flags.sync] === undefined)
      throw new TandemError(
        'USAGE',
        `no sync "${flags.sync}" in ${app.config.file}; syncs: ${Object.keys(app.config.syncs).join(', ')}`,
      );
    const limit = flags.limit === undefined ? 50 : Math.max(1, Number.parseInt(flags.limit, 10) || 50);
    const runs = (await app.store.runs({ ...(flags.sync === undefined ? {} : { sync: flags.sync }), limit })).map(
      runView,
    );
    if (flags.json === true) {
      out.json({ runs });
      return EXIT_OK;
    }
    if (runs.length === 0) out.line('no runs yet: tandem run <sync> starts one');
    for (const run of runs) out.line(runLine(run));
    return EXIT_OK;
  } finally {
    await app.close();
  }
}

export async function runShowCommand(id: string, flags: RunsFlags, out: Output): Promise<number> {
  const runId = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(runId))
    throw new TandemError('USAGE', `"${id}" is not a run id; tandem runs lists them (#12 is run 12)`);
  const app = await openForCommand(flags.config, { connect: false });
  try {
    const row = await app.store.run(runId);
    if (row === undefined)
      throw new TandemError('USAGE', `no run ${runId} in the history (pruned, or never run); tandem runs lists them`);
    const run = runView(row);
    const changes = (await app.store.runChanges(runId, flags.record)).map(changeView);
    if (flags.json === true) {
      out.json({ run, changes });
      return EXIT_OK;
    }
    out.line(runLine(run));
    const about = flags.record === undefined ? '' : ` to record ${flags.record}`;
    if (changes.length === 0) out.line(`no changes${about} in this run`);
    else out.line(`${changes.length} change${changes.length === 1 ? '' : 's'}${about}:`);
    for (const change of changes) for (const line of changeLines(change)) out.line(`  ${line}`);
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
