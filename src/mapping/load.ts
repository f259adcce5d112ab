/**
 * Loads mapping files: YAML with positions, the transforms' own option schemas, the file schema,
 * then compilation and, when given, the connectors' field lists and the config's syncs. Every
 * problem is a ConfigError naming file, line, column, key and what to write instead.
 */
import { ConfigError, isConfigError } from '../errors.js';
import { throwProblems } from '../config/problems.js';
import { problemAt as locatedProblem, readYaml, type YamlSource } from '../config/yaml-source.js';
import { issueToError, parseWith } from '../config/zod-issues.js';
import { checkFields } from './check.js';
import { compileMapping } from './compile.js';
import type { LoadOptions, Problem } from './types.js';
import { mappingSchema } from './schema.js';
import { TRANSFORMS, closest } from './transforms/registry.js';
import type { CompiledMapping } from './types.js';

export type { LoadOptions };

/** A ConfigError at the position of `path` in `source`. */
export function problemAt(source: YamlSource): Problem {
  return (path, message) => {
    throw locatedProblem(source, path, message);
  };
}

/** Checks each transform entry by its own schema first, so an error names the transform and option. */
function checkSteps(source: YamlSource, raw: unknown, problem: Problem): void {
  if (typeof raw !== 'object' || raw === null) return;
  const lists: { at: (string | number)[]; steps: unknown }[] = [];
  const { fields, match } = raw as { fields?: unknown; match?: unknown };
  if (Array.isArray(fields))
    fields.forEach((f: unknown, i) => {
      if (typeof f !== 'object' || f === null) return;
      lists.push({ at: ['fields', i, 'transform'], steps: (f as { transform?: unknown }).transform });
      const lines = (f as { lines?: { fields?: unknown } }).lines?.fields;
      if (Array.isArray(lines))
        lines.forEach((l: unknown, j) => {
          if (typeof l === 'object' && l !== null)
            lists.push({
              at: ['fields', i, 'lines', 'fields', j, 'transform'],
              steps: (l as { transform?: unknown }).transform,
            });
        });
    });
  if (Array.isArray(match))
    match.forEach((m: unknown, i) => {
      if (typeof m === 'object' && m !== null)
        lists.push({ at: ['match', i, 'normalize'], steps: (m as { normalize?: unknown }).normalize });
    });
  const known = [...TRANSFORMS.keys()];
  for (const { at, steps } of lists) {
    if (!Array.isArray(steps)) continue;
    steps.forEach((entry: unknown, j) => {
      const here = [...at, j];
      let name: string;
      let options: unknown;
      if (typeof entry === 'string') name = entry;
      else if (
        typeof entry === 'object' &&
        entry !== null &&
        !Array.isArray(entry) &&
        Object.keys(entry).length === 1
      ) {
        [name, options] = Object.entries(entry)[0] as [string, unknown];
      } else
        return problem(
          here,
          'a transform is a name (trim) or a map with one key ({ truncate: 64 }); write one transform per list item',
        );
      const def = TRANSFORMS.get(name);
      if (def === undefined) {
        const near = closest(name, known);
        return problem(
          here,
          `unknown transform "${name}"; ${near === undefined ? '' : `did you mean "${near}"? `}known: ${known.join(', ')}`,
        );
      }
      if (typeof entry === 'string' && !def.bare)
        return problem(here, `${name} needs options; write e.g. ${def.example}`);
      const parsed = def.options.safeParse(options, { reportInput: true });
      if (!parsed.success && parsed.error.issues[0] !== undefined) {
        const error = issueToError(source, parsed.error.issues[0], [...here, name]);
        throw new ConfigError(`${error.message} (e.g. ${def.example})`, error.details as { file: string });
      }
    });
  }
}

/** Loads, checks and compiles one mapping file, keeping its YAML source for later checks. */
export function loadMappingSource(
  file: string,
  options: LoadOptions = {},
): { mapping: CompiledMapping; source: YamlSource } {
  const source = readYaml(file);
  const problem = problemAt(source);
  const raw: unknown = source.value;
  checkSteps(source, raw, problem);
  const spec = parseWith(source, mappingSchema, [], raw);
  const mapping = compileMapping(file, spec, problem);
  // Every unknown field or object at once: a renamed property usually breaks several lines.
  const found: ConfigError[] = [];
  checkFields(spec, mapping, options, (path, message) => found.push(locatedProblem(source, path, message)));
  throwProblems(found);
  return { mapping, source };
}

/**
 * Loads one mapping file. With `options`, also checks every path against the connectors' field
 * lists and every reference against the config's syncs (`tandem validate` passes the live lists).
 */
export function loadMapping(file: string, options: LoadOptions = {}): CompiledMapping {
  return loadMappingSource(file, options).mapping;
}

/**
 * Loads the mappings of several syncs and refuses a cycle of references between them (contacts
 * wait for companies, so companies must never wait for contacts): syncs run in the order the
 * references give, which a cycle makes impossible.
 */
export function loadMappings(
  entries: readonly { readonly sync: string; readonly file: string; readonly options?: LoadOptions }[],
): Readonly<Record<string, CompiledMapping>> {
  const syncs = entries.map((e) => e.sync);
  // Every file is loaded, so the problems of all of them are reported together.
  const loaded = new Map<string, { mapping: CompiledMapping; source: YamlSource }>();
  const problems: ConfigError[] = [];
  for (const e of entries) {
    try {
      loaded.set(e.sync, loadMappingSource(e.file, { syncs, ...e.options }));
    } catch (error) {
      if (!isConfigError(error)) throw error;
      problems.push(error);
    }
  }
  throwProblems(problems);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (sync: string, trail: string[]): void => {
    if (state.get(sync) === 'done') return;
    const entry = loaded.get(sync);
    if (entry === undefined) return;
    state.set(sync, 'open');
    for (const target of entry.mapping.references) {
      if (state.get(target) === 'open') {
        const cycle = [...trail.slice(trail.indexOf(target)), sync, target];
        const index = entry.mapping.fields.findIndex((f) => f.references?.includes(target) === true);
        problemAt(entry.source)(
          ['fields', index, 'reference'],
          `references form a cycle (${cycle.join(' -> ')}), so no sync can run first; remove one reference of the cycle, or map that id as a plain field without reference:`,
        );
      }
      visit(target, [...trail, sync]);
    }
    state.set(sync, 'done');
  };
  for (const sync of syncs) visit(sync, []);
  return Object.freeze(Object.fromEntries([...loaded].map(([sync, e]) => [sync, e.mapping])));
}
