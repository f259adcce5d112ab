/** `tandem reports list`: the drift reports kept in the state store, newest first. */
import { reportView } from '../../drift/report-view.js';
import { percent } from '../../drift/formats/text.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { openForCommand } from './common.js';

interface ReportsFlags {
  readonly config: string;
  readonly sync?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

export async function reportsCommand(flags: ReportsFlags, out: Output): Promise<number> {
  const app = await openForCommand(flags.config, { connect: false });
  try {
    const limit = flags.limit === undefined ? 50 : Math.max(1, Number.parseInt(flags.limit, 10) || 50);
    const rows = (await app.store.reports(flags.sync, limit)).map(reportView);
    if (flags.json === true) {
      out.json({ reports: rows });
      return EXIT_OK;
    }
    if (rows.length === 0) out.line('no drift reports yet: run tandem drift <sync>');
    for (const r of rows) {
      const s = r.summary;
      const drift = s === null ? 'summary unreadable' : Object.entries(s.categories).filter(([, n]) => n > 0);
      const text =
        typeof drift === 'string'
          ? drift
          : drift.length === 0
            ? 'no drift'
            : drift.map(([c, n]) => `${c} ${n}`).join(', ');
      out.line(
        `#${r.id} ${r.sync} ${r.generatedAt} ${s === null ? '' : percent(s.agreement)} ${text}${r.repaired ? ' (repaired)' : ''}`,
      );
      for (const [format, file] of Object.entries(r.files)) out.line(`    ${format}: ${file}`);
    }
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
