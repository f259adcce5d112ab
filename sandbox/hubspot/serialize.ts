/**
 * Renders stored records as HubSpot's `SimplePublicObject`: `{ id, properties, createdAt,
 * updatedAt, archived, archivedAt? }`, property values as strings (datetimes in ISO 8601),
 * requested-but-empty properties as null, unknown requested properties ignored.
 */
import {
  DEFAULT_PROPERTIES,
  MODIFIED_PROPERTY,
  type ObjectType,
  type PropertySource,
  propertyOf,
} from './properties.js';
import type { StoredRecord } from './store.js';

export interface PublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  new?: boolean;
  objectWriteTraceId?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The value of any property, system ones included; undefined when unset. */
export function propertyValue(record: StoredRecord, name: string, source?: PropertySource): string | undefined {
  if (name === 'hs_object_id') return String(record.id);
  if (name === 'createdate') return iso(record.createdAt);
  if (name === MODIFIED_PROPERTY[record.object]) return iso(record.updatedAt);
  const value = record.properties[name];
  if (value === undefined || !/^\d+$/.test(value)) return value;
  // Written dates and datetimes are stored as epoch ms (validate.ts); HubSpot answers a datetime in
  // ISO 8601 and a date as YYYY-MM-DD.
  const type = propertyOf(record.object, name, source)?.type;
  if (type === 'datetime') return iso(Number(value));
  if (type === 'date') return iso(Number(value)).slice(0, 10);
  return value;
}

/**
 * Which properties a response carries: the requested ones (or the object's defaults), always
 * with the id and the two timestamps, as HubSpot returns them.
 */
export function selectProperties(
  object: ObjectType,
  requested: readonly string[] | undefined,
  source: PropertySource,
): string[] {
  const base = requested === undefined || requested.length === 0 ? DEFAULT_PROPERTIES[object] : requested;
  const names = new Set<string>(['hs_object_id', 'createdate', MODIFIED_PROPERTY[object]]);
  for (const name of base) if (propertyOf(object, name, source) !== undefined) names.add(name);
  return [...names];
}

export function toPublicObject(
  record: StoredRecord,
  properties: readonly string[],
  source: PropertySource,
): PublicObject {
  const props: Record<string, string | null> = {};
  for (const name of properties) props[name] = propertyValue(record, name, source) ?? null;
  return {
    id: String(record.id),
    properties: props,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    archived: record.archived,
    ...(record.archivedAt === null ? {} : { archivedAt: iso(record.archivedAt) }),
  };
}

/** Parses a `properties` query parameter: repeated, or comma separated. */
export function propertiesParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}
