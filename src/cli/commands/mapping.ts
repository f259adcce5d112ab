/**
 * `tandem mapping test <file> --input record.json [--direction crm-to-erp|erp-to-crm] [--links links.json]`:
 * maps one record through a mapping file and prints the payload, or why there is none. The
 * input is a vendor record's properties (`{"firstname": "Ada", ...}`) or a whole record
 * (`{"id": "7", "properties": {...}}` as HubSpot returns it, or `{"id": 7, "fields": {...}}`).
 */
import fs from 'node:fs';
import type { SourceRecord } from '../../../connectors/types.js';
import { TandemError } from '../../errors.js';
import { loadMapping } from '../../mapping/load.js';
import { staticResolver, type ReferenceResolver, type StaticResolverData } from '../../mapping/resolver.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import type { Output } from '../output.js';

interface MappingTestFlags {
  readonly input: string;
  readonly direction?: string;
  /** A JSON file of links and catalogs for references and lookups (see StaticResolverData). */
  readonly links?: string;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new TandemError('USAGE', `${what} ${file}: cannot read the file; pass an existing JSON file`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TandemError(
      'USAGE',
      `${what} ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A record from the input file: bare properties, or a record with `properties` / `fields`. */
export function inputRecord(json: unknown): SourceRecord {
  if (!isMap(json)) throw new TandemError('USAGE', '--input must hold a JSON object (a record or its properties)');
  const nested = isMap(json['properties']) ? json['properties'] : isMap(json['fields']) ? json['fields'] : undefined;
  const id = json['id'] ?? json['hs_object_id'] ?? nested?.['hs_object_id'] ?? 'test';
  return {
    id: String(id),
    modifiedAt: new Date(0).toISOString(),
    deleted: false,
    fields: nested ?? json,
  };
}

export async function mappingTestCommand(file: string, flags: MappingTestFlags, out: Output): Promise<number> {
  const direction = flags.direction ?? 'crm-to-erp';
  if (direction !== 'crm-to-erp' && direction !== 'erp-to-crm')
    throw new TandemError('USAGE', `--direction "${direction}": write crm-to-erp or erp-to-crm`);
  const mapping = loadMapping(file);
  const record = inputRecord(readJson(flags.input, '--input'));
  // Without --links, references and lookups wait / are skipped exactly as without a resolver.
  const resolver: ReferenceResolver | undefined =
    flags.links === undefined ? undefined : staticResolver(readJson(flags.links, '--links') as StaticResolverData);
  const result = direction === 'crm-to-erp' ? mapping.toErp(record, resolver) : mapping.toCrm(record, resolver);
  out.json(
    result.ok
      ? { ok: true, object: direction === 'crm-to-erp' ? mapping.erpObject : mapping.crmObject, fields: result.fields }
      : result,
  );
  return result.ok || result.code === 'FILTERED' ? EXIT_OK : EXIT_RUN_FAILED;
}
