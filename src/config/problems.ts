/**
 * Config problems gathered, not thrown one at a time: a config with three mistakes is reported
 * with three lines, each `file:line:column: key: what to write`, so one edit fixes them all.
 */
import { ConfigError } from '../errors.js';

/** Several config problems at once; its message has one line per problem, in file order. */
export class ConfigProblems extends ConfigError {
  readonly problems: readonly ConfigError[];

  constructor(problems: readonly ConfigError[]) {
    const first = problems[0];
    const details = first?.details ?? {};
    super(problems.map((p) => p.message).join('\n'), {
      file: String(details['file'] ?? ''),
      ...(typeof details['path'] === 'string' ? { path: details['path'] } : {}),
      ...(typeof details['line'] === 'number' ? { line: details['line'] } : {}),
      ...(typeof details['column'] === 'number' ? { column: details['column'] } : {}),
    });
    this.problems = problems;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problems: this.problems.map((p) => p.toJSON()) };
  }
}

/** Flattens nested ConfigProblems into their single problems. */
function flatten(errors: readonly ConfigError[]): ConfigError[] {
  return errors.flatMap((e) => (e instanceof ConfigProblems ? flatten(e.problems) : [e]));
}

/** Throws nothing for no problem, the problem itself for one, ConfigProblems for several. */
export function throwProblems(errors: readonly ConfigError[]): void {
  // The same problem found twice (a mapping shared by two syncs) is shown once.
  const unique = [...new Map(flatten(errors).map((e) => [e.message, e] as const)).values()];
  // Files in the order their first problem came, each file's problems by line and column.
  const files = [...new Set(unique.map((e) => String(e.details['file'] ?? '')))];
  const at = (e: ConfigError): number[] => [
    files.indexOf(String(e.details['file'] ?? '')),
    Number(e.details['line'] ?? 0),
    Number(e.details['column'] ?? 0),
  ];
  unique.sort((a, b) => {
    const [fa = 0, la = 0, ca = 0] = at(a);
    const [fb = 0, lb = 0, cb = 0] = at(b);
    return fa - fb || la - lb || ca - cb;
  });
  const [first] = unique;
  if (first === undefined) return;
  if (unique.length === 1) throw first;
  throw new ConfigProblems(unique);
}
