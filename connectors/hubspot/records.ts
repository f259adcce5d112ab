/** Turns HubSpot objects into the engine's `SourceRecord`. */
import { VendorResponseError } from '../../src/errors.js';
import type { SourceRecord } from '../types.js';
import type { PublicObject } from './schemas.js';

/** Epoch ms of a HubSpot datetime value: ISO 8601, or epoch milliseconds as a string. */
export function parseTime(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** The record's modification time in epoch ms, from `property` (falling back to `updatedAt`). */
export function modifiedMs(object: PublicObject, property: string, connector: string, endpoint: string): number {
  const raw = object.properties[property] ?? object.updatedAt;
  const ms = parseTime(raw);
  if (Number.isNaN(ms)) {
    throw new VendorResponseError(
      `${connector}: ${endpoint} returned record ${object.id} with an unreadable ${property}: ${raw}`,
      {
        connector,
        endpoint,
        issues: `results[id=${object.id}].properties.${property}: not a datetime`,
      },
    );
  }
  return ms;
}

export function toSourceRecord(object: PublicObject, modified: number): SourceRecord {
  return Object.freeze({
    id: object.id,
    modifiedAt: new Date(modified).toISOString(),
    deleted: object.archived ?? false,
    fields: Object.freeze({ ...object.properties }),
  });
}
