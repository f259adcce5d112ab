/** A CLI Output that keeps what a command prints: text lines (errors too) and JSON objects. */
import type { Output } from '../../src/cli/output.js';

export function captureOutput(): Output & { lines: string[]; objects: unknown[] } {
  const lines: string[] = [];
  const objects: unknown[] = [];
  return {
    lines,
    objects,
    json: (v) => void objects.push(v),
    line: (t) => void lines.push(t),
    error: (t) => void lines.push(t),
  };
}
