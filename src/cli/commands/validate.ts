/**
 * `tandem validate`: the config and every mapping are loaded and checked (a bad one exits 2 with
 * file, line and key); then, unless --offline, each connector's credentials are tested and every
 * mapped field is checked against the connector's own field list.
 */
import type { App } from '../../app.js';
import { describeError } from '../../errors.js';
import { checkLiveFields } from '../../pipeline/live-check.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { Output } from '../output.js';
import { openForCommand } from './common.js';

export async function validateCommand(
  flags: { readonly config: string; readonly offline?: boolean },
  out: Output,
): Promise<number> {
  const app = await openForCommand(flags.config, { connect: flags.offline !== true });
  try {
    out.line(
      `${app.config.file}: config ok; ${Object.keys(app.config.syncs).length} sync(s), ${Object.keys(app.config.connectors).length} connector(s)`,
    );
    if (flags.offline === true) return EXIT_OK;
    const problems = await checkLive(app, out);
    for (const problem of problems) out.error(problem);
    return problems.length === 0 ? EXIT_OK : EXIT_USAGE;
  } finally {
    await app.close();
  }
}

async function checkLive(app: App, out: Output): Promise<string[]> {
  const problems: string[] = [];
  for (const connector of Object.values(app.connectors)) {
    try {
      await connector.check();
      out.line(`connector ${connector.name} (${connector.kind}): credentials ok`);
    } catch (error) {
      problems.push(
        `connector ${connector.name} (${connector.kind}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  // The mappings loaded again against the live field lists: an unknown field is named with the
  // mapping file's line and column, and the nearest real field.
  const live = await checkLiveFields(Object.values(app.syncs), Object.keys(app.syncs));
  for (const side of live.checked) out.line(`sync ${side.sync}: ${side.object} fields ok (${side.mapped} mapped)`);
  return [...live.unreachable, ...live.problems.map(describeError)];
}
