/** The configured alert targets as the notifier sends to them: URLs and keys read from their secrets when sending. */
import fs from 'node:fs';
import path from 'node:path';
import type { AlertTarget } from '../config/ops-schema.js';
import type { SecretRef } from '../config/schema.js';
import { secretProblem } from '../config/secrets.js';
import { TandemError } from '../errors.js';
import type { AlertTargetHandle } from './notifier.js';

/** The secret's value now (a file is re-read: rotation needs no restart); throws saying what to set. */
function readSecret(ref: SecretRef, baseDir: string, at: string): string {
  const problem = secretProblem(ref, baseDir);
  if (problem !== undefined) throw new TandemError('SECRET_MISSING', `${at}: ${problem}`);
  return 'env' in ref ? (process.env[ref.env] ?? '') : fs.readFileSync(path.resolve(baseDir, ref.file), 'utf8').trim();
}

export function targetHandles(targets: readonly AlertTarget[], baseDir: string): AlertTargetHandle[] {
  return targets.map((t, i) => {
    const at = `alerts.targets[${i}]`;
    if (t.kind === 'slack')
      return { label: `slack #${i + 1}`, kind: 'slack', url: () => readSecret(t.url, baseDir, `${at}.url`) };
    return {
      label: `webhook ${new URL(t.url).host}`,
      kind: 'webhook',
      url: () => t.url,
      secret: () => readSecret(t.secret, baseDir, `${at}.secret`),
    };
  });
}
