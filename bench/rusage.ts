/**
 * Preloaded into every process the backfill benchmark spawns (`node --import`): on exit, writes the
 * process's own CPU time and peak RSS to `BENCH_RUSAGE_FILE`, so Tandem, the floor and the peer
 * are measured alike, Tandem on its production path (bin/tandem.js) with nothing else changed.
 */
import fs from 'node:fs';

const file = process.env['BENCH_RUSAGE_FILE'];
if (file !== undefined && file !== '') {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    // maxRSS is in kilobytes; CPU times in microseconds.
    const line = { code, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS };
    fs.writeFileSync(file, JSON.stringify(line));
  });
}
