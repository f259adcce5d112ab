/**
 * `tandem matches list [sync]` and `tandem matches link <sync> <id> <candidate>`: the ambiguous
 * first-contact matches, and a person's choice among a record's candidates. A link is kept at once
 * and the next run of the sync merges the pair (src/pipeline/link-match.ts).
 */
import { TandemError } from '../../errors.js';
import { linkMatch } from '../../pipeline/link-match.js';
import { readRecordViews, type RecordView } from '../../pipeline/record-views.js';
import { other } from '../../pipeline/sides.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { findSync, openForCommand } from './common.js';

interface MatchesFlags {
  readonly config: string;
  readonly json?: boolean;
}

const described = (v: RecordView): string =>
  `${v.side} ${v.id}${v.name === null ? '' : ` "${v.name}"`}${v.found ? '' : ' (not found)'}${v.archived ? ' (archived)' : ''}`;

export async function matchesCommand(
  action: 'list' | 'link',
  args: readonly string[],
  flags: MatchesFlags,
  out: Output,
): Promise<number> {
  if (action === 'link' && args.length !== 3)
    throw new TandemError('USAGE', 'tandem matches link <sync> <id> <candidate>; see tandem matches list');
  const app = await openForCommand(flags.config, { connect: action === 'link' || flags.json !== true });
  try {
    if (action === 'link') {
      const [syncName = '', record = '', candidate = ''] = args;
      const linked = await linkMatch(findSync(app, syncName), app.store, { record, candidate });
      if (flags.json === true) out.json(linked);
      else
        out.line(
          `linked crm ${linked.crmId} with erp ${linked.erpId}; the next run of ${linked.sync} merges them (as a first contact)`,
        );
      return EXIT_OK;
    }
    const names = args[0] === undefined ? Object.keys(app.syncs) : [findSync(app, args[0]).name];
    const matches = (await Promise.all(names.map((name) => app.store.ambiguousMatches(name)))).flat();
    if (flags.json === true) {
      out.json({ ambiguousMatches: matches });
      return EXIT_OK;
    }
    if (matches.length === 0) out.line('no ambiguous matches');
    for (const m of matches) {
      const sync = findSync(app, m.sync);
      // Kept under the candidates' side: the record is of the other one.
      const [record] = await readRecordViews(sync, other(m.side), [m.recordId]);
      const candidates = await readRecordViews(sync, m.side, m.candidates);
      out.line(
        `${m.sync} ${record === undefined ? `${other(m.side)} ${m.recordId}` : described(record)} (key ${m.matchKey})`,
      );
      if (candidates.length === 0) out.line('    no candidates: records of its own side share the key');
      for (const c of candidates) out.line(`    candidate ${described(c)}`);
    }
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
