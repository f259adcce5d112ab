/**
 * YAML parsing that keeps positions, so an error in a config or mapping file names the file,
 * the line and the column of the offending key, and says what is expected there.
 */
import fs from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** Reads and parses a YAML file; a syntax error is a ConfigError with line and column. */
export function readYaml(file: string): YamlSource {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ConfigError(`${file}: cannot read the file (${reason}). Pass an existing file with --config.`, { file });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = lines.linePos(first.pos[0]);
    throw new ConfigError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${first.message.split('\n')[0] ?? ''}`, {
      file,
      line: pos.line,
      column: pos.col,
    });
  }
  return { file, doc, lines };
}

/** The line and column of the node at `path`, or of its nearest existing parent. */
export function locate(source: YamlSource, path: readonly PropertyKey[]): { line: number; column: number } {
  let node: unknown = source.doc.contents;
  let found: Node | null = isNode(node) ? node : null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isNode(item.key) && 'value' in item.key && String(item.key.value) === String(key),
      );
      if (pair === undefined) break;
      // Point at the key itself when the value is missing or scalar, so the line is the key's.
      found = isNode(pair.key) ? pair.key : found;
      node = pair.value;
      if (isNode(node) && (isMap(node) || isSeq(node))) found = isNode(pair.key) ? pair.key : node;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (isNode(node)) found = node;
      else break;
    } else break;
  }
  const offset = found?.range?.[0] ?? 0;
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

/** Formats a zod path as a dotted key: `syncs.contacts.schedule`, `fields[2].erp`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`),
    '',
  );
}

/** Turns the first zod issue into a ConfigError naming file, line, key and what to write. */
export function issueToError(
  source: YamlSource,
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[] = [],
): ConfigError {
  const path = [...prefix, ...issue.path];
  const { line, column } = locate(source, path);
  const key = formatPath(path) || '(top level)';
  return new ConfigError(`${source.file}:${line}:${column}: ${key}: ${describeIssue(issue)}`, {
    file: source.file,
    path: key,
    line,
    column,
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
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

/** Parses `source` against `schema`; the first issue becomes a ConfigError with its position. */
export function parseWith<T>(
  source: YamlSource,
  schema: z.ZodType<T>,
  prefix: readonly PropertyKey[] = [],
  value: unknown = source.doc.toJS(),
): T {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ConfigError(`${source.file}: invalid`, { file: source.file });
  throw issueToError(source, issue, prefix);
}
