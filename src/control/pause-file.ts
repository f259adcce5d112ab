/**
 * Which syncs an operator paused, kept in `<dataDir>/paused.json` so a pause survives a restart
 * (the state store's schema belongs to the pipeline; this small file keeps the two apart).
 * Written atomically: a temporary file renamed over the old one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const fileSchema = z.object({ paused: z.array(z.string()) });

export const PAUSE_FILE = 'paused.json';

export function readPaused(dataDir: string): Set<string> {
  const file = path.join(dataDir, PAUSE_FILE);
  if (!fs.existsSync(file)) return new Set();
  const parsed = fileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  return new Set(parsed.success ? parsed.data.paused : []);
}

export function writePaused(dataDir: string, paused: ReadonlySet<string>): void {
  const file = path.join(dataDir, PAUSE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(temporary, `${JSON.stringify({ paused: [...paused].sort() })}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}
