/**
 * The fields of each model, from `fields_get`, asked once per model and connector: the reader
 * needs to know whether a model can be archived (`active`), the writer which values to send as
 * typed dates and Decimals, the describer everything.
 */
import type { TrytonRpc } from './rpc.js';
import { fieldsGetSchema } from './schemas.js';
import type { z } from 'zod';

export type TrytonField = z.infer<typeof fieldsGetSchema>[string];

export interface FieldCatalog {
  fields(model: string, signal?: AbortSignal): Promise<Readonly<Record<string, TrytonField>>>;
}

export function createCatalog(rpc: TrytonRpc): FieldCatalog {
  const cache = new Map<string, Promise<Readonly<Record<string, TrytonField>>>>();
  return {
    fields(model, signal) {
      let found = cache.get(model);
      if (found === undefined) {
        found = rpc.model(model, 'fields_get', [null], fieldsGetSchema, {
          readOnly: true,
          ...(signal === undefined ? {} : { signal }),
        });
        cache.set(model, found);
        // A failed description is asked again next time.
        found.catch(() => cache.delete(model));
      }
      return found;
    },
  };
}
