/**
 * zod schemas for every answer the connector reads: the JSON-RPC envelope, the login result and
 * each method's result. A wrong shape throws a VendorResponseError that names the method
 * (`model.party.party.search_read`) and the path of the offending value.
 */
import { z } from 'zod';
import { parseVendorResponse } from '../parse-response.js';
import { isIsoInstant } from './values.js';

/**
 * trytond's envelope (trytond/protocols/jsonrpc.py `JSONProtocol.response`): `{id, result}` or
 * `{id, error}`. `error` is the exception's `args`: `[name, args]` for a TrytonException
 * (`["UserError", [message, description, domain]]`, `["ConcurrencyException", message]`), or
 * `[str(exception), traceback]` for any other server exception.
 */
export const envelopeSchema = z.looseObject({
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: z.tuple([z.string(), z.unknown()]).rest(z.unknown()).optional(),
});

/** `common.db.login`: `[user_id, session_key]` (trytond/security.py `login`). */
export const loginSchema = z.tuple([z.number().int().positive(), z.string().min(1)]);

const instant = z.string().refine(isIsoInstant, { message: 'expected a datetime' });
/** SQLite answers booleans as 0 / 1, PostgreSQL as true / false. */
const flag = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);

/** A row read for change tracking, after typed values were decoded. */
export const changeRowSchema = z.looseObject({
  id: z.number().int().positive(),
  create_date: instant,
  write_date: instant.nullable(),
  active: flag.optional(),
});
export type ChangeRow = z.infer<typeof changeRowSchema>;
export const changeRowsSchema = z.array(changeRowSchema);

/** Any `read` / `search_read` row: an integer id and the fields asked for. */
const rowSchema = z.looseObject({ id: z.number().int().positive() });
export const rowsSchema = z.array(rowSchema);
export const idsSchema = z.array(z.number().int().positive());
/** `write` and `delete` answer null. */
export const nullSchema = z.null();

/** A party read before a write: its timestamp and the sub-records the virtual fields live in. */
export const partyStateSchema = z.array(
  z.looseObject({
    id: z.number().int().positive(),
    _timestamp: z.string().nullable(),
    contact_mechanisms: z.array(z.number().int()),
    'contact_mechanisms.': z
      .array(
        z.looseObject({
          id: z.number().int(),
          type: z.string(),
          value: z.string().nullable(),
          active: flag.optional(),
        }),
      )
      .default([]),
    addresses: z.array(z.number().int()),
    identifiers: z.array(z.number().int()),
    tax_identifier: z.number().int().nullable(),
  }),
);
export type PartyState = z.infer<typeof partyStateSchema>[number];

export const mechanismsSchema = z.array(
  z.looseObject({ id: z.number().int(), party: z.number().int(), type: z.string(), value: z.string().nullable() }),
);
export const countriesSchema = z.array(z.looseObject({ id: z.number().int(), code: z.string().nullable() }));

/** `fields_get`: field name -> description. */
export const fieldsGetSchema = z.record(
  z.string(),
  z.looseObject({
    string: z.string(),
    type: z.string(),
    readonly: z.boolean().optional(),
    required: z.boolean().optional(),
    relation: z.string().nullable().optional(),
  }),
);

/** Parses `value` with `schema`, or throws a VendorResponseError naming `endpoint` and the field path. */
export function parseResponse<T>(schema: z.ZodType<T>, value: unknown, connector: string, endpoint: string): T {
  return parseVendorResponse('tryton', schema, value, connector, endpoint);
}
