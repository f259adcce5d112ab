/**
 * zod schemas for every answer the connector reads: the JSON-RPC envelope, Odoo's error
 * member, and each method's result. A wrong shape throws a VendorResponseError that names the
 * call (`res.partner.search_read`) and the path of the offending value.
 */
import { z } from 'zod';
import { parseVendorResponse } from '../parse-response.js';
import { isOdooDatetime } from './time.js';

/** Odoo's error member: `{code: 200, message: "Odoo Server Error", data: {name, message, ...}}`. */
export const odooErrorSchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  data: z
    .looseObject({
      name: z.string(),
      message: z.string(),
      arguments: z.array(z.unknown()).optional(),
      context: z.unknown().optional(),
      debug: z.string().optional(),
    })
    .optional(),
});
export type OdooErrorBody = z.infer<typeof odooErrorSchema>;

/** The JSON-RPC 2.0 envelope: a `result` or an `error`, never both. */
export const envelopeSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: odooErrorSchema.optional(),
});

/** `common.version` (odoo/service/common.py RPC_VERSION_1). */
export const versionSchema = z.looseObject({
  server_version: z.string(),
  server_version_info: z.array(z.union([z.number(), z.string()])),
  server_serie: z.string(),
  protocol_version: z.number(),
});

/** `common.authenticate`: the uid, or `false` for bad credentials. */
export const authenticateSchema = z.union([z.number().int().positive(), z.literal(false)]);

const odooDatetime = z.string().refine(isOdooDatetime, { message: "expected an Odoo datetime 'YYYY-MM-DD HH:MM:SS'" });

/** One row of `search_read` / `read`: an integer id and whatever fields were asked for. */
export const recordSchema = z.looseObject({ id: z.number().int().positive() });

/** A row read for change tracking: `write_date` and `active` are required. */
export const changeRowSchema = z.looseObject({
  id: z.number().int().positive(),
  write_date: odooDatetime,
  active: z.boolean(),
});
export type ChangeRow = z.infer<typeof changeRowSchema>;

export const changeRowsSchema = z.array(changeRowSchema);
export const recordsSchema = z.array(recordSchema);
export const idsSchema = z.array(z.number().int().positive());
/** `create([vals, ...])` answers the new ids, in order. */
export const createSchema = idsSchema;
/** `write` answers `true`. */
export const writeSchema = z.literal(true);

/** `fields_get(attributes=[...])`: field name -> description. */
export const fieldsGetSchema = z.record(
  z.string(),
  z.looseObject({
    string: z.string(),
    type: z.string(),
    readonly: z.boolean().optional(),
    required: z.boolean().optional(),
    relation: z.string().optional(),
    /** A selection field's `[value, label]` pairs (odoo/fields.py, Selection.get_description). */
    selection: z.array(z.tuple([z.union([z.string(), z.number()]), z.string()])).optional(),
  }),
);

/** Parses `value` with `schema`, or throws a VendorResponseError naming `endpoint` and the field path. */
export function parseResponse<T>(schema: z.ZodType<T>, value: unknown, connector: string, endpoint: string): T {
  return parseVendorResponse('odoo', schema, value, connector, endpoint);
}
