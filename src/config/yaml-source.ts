/**
 * YAML parsing that keeps positions, so an error in a config or mapping file names the file,
 * the line and the column of the offending key, and says what is expected there.
 */
import fs from 'node:fs';
import { LineCounter, parseDocument, isAlias, isMap, isSeq, visit, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors.js';
import { throwProblems } from './problems.js';

export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data (aliases expanded, within {@link MAX_ALIAS_COUNT}). */
  readonly value: unknown;
}

/**
 * How many times aliases may be expanded in one file. A config needs few; a "billion laughs"
 * file (aliases of aliases) would otherwise take the process's memory (yaml's `maxAliasCount`).
 */
export const MAX_ALIAS_COUNT = 100;

/** Reads and parses a YAML file; syntax errors (all of them) are ConfigErrors with line and column. */
export function readYaml(file: string): YamlSource {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error);
    throw new ConfigError(`${file}: cannot read the file (${reason}). Pass an existing file with --config.`, { file });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  throwProblems(
    doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return new ConfigError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split('\n')[0] ?? ''}`, {
        file,
        line: pos.line,
        column: pos.col,
      });
    }),
  );
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    let alias: Node | undefined;
    visit(doc, {
      Alias(_key, node) {
        alias = node;
        return visit.BREAK;
      },
    });
    const pos = lines.linePos(alias?.range?.[0] ?? 0);
    const why =
      alias === undefined
        ? String(error instanceof Error ? error.message : error)
        : `its aliases expand too many times (more than ${MAX_ALIAS_COUNT}; a "billion laughs" file?); write the values out instead of nesting aliases`;
    throw new ConfigError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${why}`, {
      file,
      line: pos.line,
      column: pos.col,
    });
  }
  return { file, doc, lines, value };
}

/** The line and column of the node at `path`, or of its nearest existing parent. */
export function locate(source: YamlSource, path: readonly PropertyKey[]): { line: number; column: number } {
  let node: unknown = source.doc.contents;
  let found: Node | null = isNode(node) ? node : null;
  for (const key of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
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

/** A ConfigError at the position of `keyPath` in `source`: `file:line:column: key: message`. */
export function problemAt(source: YamlSource, keyPath: readonly PropertyKey[], message: string): ConfigError {
  const { line, column } = locate(source, keyPath);
  const key = formatPath(keyPath) || '(top level)';
  return new ConfigError(`${source.file}:${line}:${column}: ${key}: ${message}`, {
    file: source.file,
    path: key,
    line,
    column,
  });
}
