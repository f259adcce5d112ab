/** Match keys (pairing unlinked records) and reference templates (`HS-{id}`), compiled. */
import type { SourceRecord } from '../../connectors/types.js';
import type { Problem } from './types.js';
import type { MappingFile } from './schema.js';
import { TRANSFORMS, closest } from './transforms/registry.js';
import { BuildError, type Step } from './transforms/step.js';
import { placeholders } from './transforms/template.js';
import { fromVendor, type Value } from './values.js';
import type { MatchKey, RecordReference } from './types.js';

/** A reference template: `{id}` is the record id; other placeholders are its properties. */
export function compileReference(
  field: string,
  template: string,
): RecordReference & { readonly properties: readonly string[] } {
  const parts = template.split(/\{([A-Za-z_][A-Za-z0-9_]*)\}/);
  const properties = placeholders(template).filter((p) => p !== 'id');
  if (properties.length === 0 && parts.length === 3) {
    // The common `PREFIX-{id}` shape: one concatenation.
    const [before, , after] = parts as [string, string, string];
    return {
      field,
      properties,
      value: (record: SourceRecord) => before + record.id + after,
      idOf(value: unknown): string | undefined {
        if (typeof value !== 'string') return undefined;
        const text = value.trim();
        if (text.length <= before.length + after.length || !text.startsWith(before) || !text.endsWith(after))
          return undefined;
        return text.slice(before.length, text.length - after.length);
      },
    };
  }
  return {
    field,
    properties,
    value(record: SourceRecord): string {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string;
        if (i % 2 === 0) out += part;
        else if (part === 'id') out += record.id;
        else {
          const v = record.fields[part];
          out += v === undefined || v === null || v === false ? '' : String(v);
        }
      }
      return out;
    },
  };
}

/**
 * Normalising steps after which two equal keys differ at most in letter case and surrounding space
 * (`uppercase` is left out: upper-casing makes a few more values equal, `ß` and `SS`).
 */
const CASE_ONLY_STEPS: ReadonlySet<string> = new Set(['trim', 'lowercase']);

/** A match key: values of both sides normalised the same way, to text. */
export function compileMatchKey(
  key: MappingFile['match'][number],
  at: readonly (string | number)[],
  problem: Problem,
): MatchKey {
  const steps: Step[] = [];
  if (key.normalize === 'lowercase')
    steps.push(
      (TRANSFORMS.get('lowercase') as NonNullable<ReturnType<typeof TRANSFORMS.get>>).build(undefined, {
        arity: 1,
        targets: 1,
      }),
    );
  else if (Array.isArray(key.normalize)) {
    key.normalize.forEach((entry, j) => {
      const [name, options] =
        typeof entry === 'string' ? [entry, undefined] : (Object.entries(entry)[0] ?? ['', undefined]);
      const def = TRANSFORMS.get(name);
      if (def === undefined) {
        const near = closest(name, TRANSFORMS.keys());
        problem(
          [...at, 'normalize', j],
          `unknown transform "${name}"${near === undefined ? '' : `; did you mean "${near}"?`}`,
        );
      }
      try {
        const step = def.build(options, { arity: 1, targets: 1 });
        if (step.resolves === true || step.emitsList === true)
          problem(
            [...at, 'normalize', j],
            `${name} cannot normalise a match key; use text transforms such as trim, lowercase, phone`,
          );
        steps.push(step);
      } catch (error) {
        if (error instanceof BuildError) problem([...at, 'normalize', j, name, ...error.path], error.message);
        throw error;
      }
    });
  }
  const names = new Set(steps.map((s) => s.name));
  return {
    crm: key.crm,
    erp: key.erp,
    lookup: {
      ignoreCase: names.has('lowercase') || names.has('uppercase'),
      looseSpace: names.has('collapseWhitespace'),
    },
    caseOnly: [...names].every((name) => CASE_ONLY_STEPS.has(name)),
    normalize(value: unknown): string | null {
      try {
        let v: Value = fromVendor(value, false);
        if (typeof v === 'string') v = v.trim() || null;
        for (const step of steps) if (v !== null) v = step.forward(v, undefined);
        return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
      } catch {
        // A value that cannot be normalised (a list, an invalid phone with reject) matches nothing.
        return null;
      }
    },
  };
}
