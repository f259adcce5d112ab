/**
 * Compiles a checked mapping file into plain functions, once at load: mapping a record is then
 * a loop over precompiled field getters, with no parsing on the hot path.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { MappingFile } from './schema.js';

export type MapResult =
  | { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly code: 'FILTERED'; readonly reason: string }
  | { readonly ok: false; readonly code: 'MAPPING_FAILED'; readonly reason: string; readonly field: string };

export interface MatchKey {
  readonly crm: string;
  readonly erp: string;
  /** The comparable form of a value, or null when the value cannot match anything. */
  normalize(value: unknown): string | null;
}

export interface CompiledMapping {
  readonly file: string;
  readonly crmObject: string;
  readonly erpObject: string;
  /** CRM properties a read must fetch. */
  readonly crmFields: readonly string[];
  /** ERP fields this mapping writes (for `validate`). */
  readonly erpFields: readonly string[];
  readonly reference: { readonly field: string; value(record: SourceRecord): string };
  readonly matchKeys: readonly MatchKey[];
  /** CRM record -> ERP payload (reference and constants included), or why not. */
  toErp(record: SourceRecord): MapResult;
}

type Getter = (record: SourceRecord) => unknown;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Trimmed text, or null for absent / empty values. Numbers and booleans pass through. */
export function canonical(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  return value;
}

function compileTemplate(template: string): { getter: Getter; properties: string[] } {
  const properties = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  const getter: Getter = (record) => {
    const text = template.replace(PLACEHOLDER, (_, name: string) => {
      const value = name === 'id' ? record.id : record.fields[name];
      return value === undefined || value === null ? '' : String(value);
    });
    return canonical(text.replace(/\s+/g, ' '));
  };
  return { getter, properties: properties.filter((p) => p !== 'id') };
}

export function compileMapping(file: string, mapping: MappingFile): CompiledMapping {
  const fetch = new Set<string>();
  const fields: { erp: string; get: Getter; source: string }[] = [];
  for (const field of mapping.fields) {
    if ('crm' in field) {
      const name = field.crm;
      fetch.add(name);
      fields.push({ erp: field.erp, get: (record) => canonical(record.fields[name]), source: name });
    } else {
      const compiled = compileTemplate(field.template);
      compiled.properties.forEach((p) => fetch.add(p));
      fields.push({ erp: field.erp, get: compiled.getter, source: field.template });
    }
  }
  const reference = compileTemplate(mapping.reference.template);
  reference.properties.forEach((p) => fetch.add(p));
  const required = mapping.filter.crm.required;
  required.forEach((p) => fetch.add(p));
  const matchKeys: MatchKey[] = mapping.match.map((key) => {
    fetch.add(key.crm);
    return {
      crm: key.crm,
      erp: key.erp,
      normalize: (value) => {
        const text = canonical(value);
        if (typeof text !== 'string' && typeof text !== 'number') return null;
        return key.normalize === 'lowercase' ? String(text).toLowerCase() : String(text);
      },
    };
  });
  const constants = Object.entries(mapping.constants.erp);

  return Object.freeze({
    file,
    crmObject: mapping.crm.object,
    erpObject: mapping.erp.object,
    crmFields: [...fetch].sort(),
    erpFields: [...new Set([...fields.map((f) => f.erp), mapping.reference.erp, ...constants.map(([k]) => k)])],
    reference: {
      field: mapping.reference.erp,
      value: (record: SourceRecord) => String(reference.getter(record) ?? record.id),
    },
    matchKeys,
    toErp(record: SourceRecord): MapResult {
      for (const property of required) {
        if (canonical(record.fields[property]) === null)
          return { ok: false, code: 'FILTERED', reason: `${property} is empty` };
      }
      const out: Record<string, unknown> = {};
      for (const field of fields) {
        let value: unknown;
        try {
          value = field.get(record);
        } catch (error) {
          return { ok: false, code: 'MAPPING_FAILED', reason: String(error), field: field.erp };
        }
        if (value !== null && typeof value === 'object') {
          return {
            ok: false,
            code: 'MAPPING_FAILED',
            reason: `${field.source} holds a ${Array.isArray(value) ? 'list' : 'map'}, not a value`,
            field: field.erp,
          };
        }
        out[field.erp] = value;
      }
      for (const [key, value] of constants) out[key] = value;
      out[mapping.reference.erp] = String(reference.getter(record) ?? record.id);
      return { ok: true, fields: out };
    },
  });
}
