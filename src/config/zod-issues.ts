/**
 * zod issues as config problems: every issue of a file at once, each at its key's line and column,
 * worded as what to write there; an unknown key gets the nearest known key ("did you mean").
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { closest } from './closest.js';
import { throwProblems } from './problems.js';
import { knownKeys } from './schema-keys.js';
import { formatPath, locate, problemAt, type YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean =>
  a.length === b.length && a.every((key, i) => String(key) === String(b[i]));

const isMissing = (issue: Issue): boolean =>
  (issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined;

/** Every issue as a ConfigError at its position; unknown keys are matched to the keys `schema` knows there. */
export function issuesToErrors(
  source: YamlSource,
  issues: readonly Issue[],
  schema?: z.core.$ZodType,
  prefix: readonly PropertyKey[] = [],
  /** Keys also valid at the parsed value's top (a connector block's engine keys, which its kind's schema does not list). */
  extraKeys: readonly string[] = [],
): ConfigError[] {
  const errors: ConfigError[] = [];
  // A misspelt required key is one mistake, not two: "feilds" is reported, "fields is required" is not.
  const explained = new Set<Issue>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const present = typeof issue.input === 'object' && issue.input !== null ? Object.keys(issue.input) : [];
    const known = [
      ...(schema === undefined ? [] : knownKeys(schema, issue.path)),
      ...(issue.path.length === 0 ? extraKeys : []),
    ].filter((k) => !present.includes(k));
    for (const key of issue.keys) {
      const near = closest(key, known);
      const missing =
        near === undefined ? undefined : issues.find((i) => isMissing(i) && samePath(i.path, [...issue.path, near]));
      if (missing !== undefined) explained.add(missing);
      const hint =
        near !== undefined
          ? `did you mean "${near}"?${missing === undefined ? '' : ` (${near} is required)`}`
          : `remove it or check the spelling${known.length === 0 ? '' : ` (known here: ${known.join(', ')})`}`;
      errors.push(
        relocated(source, [...prefix, ...issue.path], [...prefix, ...issue.path, key], `unknown key "${key}"; ${hint}`),
      );
    }
  }
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' || explained.has(issue)) continue;
    errors.push(issueToError(source, issue, prefix));
  }
  return errors;
}

/** A problem shown under `shown` (the parent's key) but located at `at` (the stray key's own line). */
function relocated(
  source: YamlSource,
  shown: readonly PropertyKey[],
  at: readonly PropertyKey[],
  message: string,
): ConfigError {
  const { line, column } = locate(source, at);
  const key = formatPath(shown) || '(top level)';
  return new ConfigError(`${source.file}:${line}:${column}: ${key}: ${message}`, {
    file: source.file,
    path: key,
    line,
    column,
  });
}

/** One zod issue as a ConfigError naming file, line, key and what to write. */
export function issueToError(source: YamlSource, issue: Issue, prefix: readonly PropertyKey[] = []): ConfigError {
  return problemAt(source, [...prefix, ...issue.path], describeIssue(issue));
}

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      // A record's key (a sync or connector name) that its pattern refuses: say the rule, not "Invalid key in record".
      return `the name ${JSON.stringify(issue.input)} is not allowed: ${issue.issues.map((i) => i.message).join('; ')}`;
    case 'invalid_union':
      if (issue.message !== 'Invalid input') return issue.message;
      return issue.input === undefined
        ? 'is required'
        : `${describeValue(issue.input)} matches none of the accepted forms (${issue.errors.map((branch) => branch.map((i) => i.message).join(', ')).join(' | ')})`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Parses `value` (default: the whole file) against `schema`; every issue is reported at once with its position. */
export function parseWith<T>(
  source: YamlSource,
  schema: z.ZodType<T>,
  prefix: readonly PropertyKey[] = [],
  value: unknown = source.value,
): T {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throwProblems(issuesToErrors(source, result.error.issues, schema, prefix));
  throw new ConfigError(`${source.file}: invalid`, { file: source.file });
}
