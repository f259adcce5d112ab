/**
 * The mapping file's schema. This is the walking skeleton's mapping: renames, a template for
 * composed values, constants, a reference field and match keys. The full mapping language
 * (transforms, value maps, references between syncs, both directions) builds on this shape.
 */
import { z } from 'zod';

const propertyName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'a property name: letters, digits, _ and .');
const template = z
  .string()
  .regex(/\{[A-Za-z_][A-Za-z0-9_]*\}/, 'a template with at least one {property}, e.g. "{firstname} {lastname}"');

export const fieldSchema = z.union([
  z.strictObject({ erp: propertyName, crm: propertyName }),
  z.strictObject({ erp: propertyName, template }),
]);

export const mappingSchema = z.strictObject({
  crm: z.strictObject({ object: z.string().min(1) }),
  erp: z.strictObject({ object: z.string().min(1) }),
  /** The ERP field that holds the CRM record's reference: create-if-absent looks it up first. */
  reference: z.strictObject({ erp: propertyName, template }),
  /** Keys that pair records not yet linked (first contact), tried in order. */
  match: z
    .array(
      z.strictObject({
        crm: propertyName,
        erp: propertyName,
        normalize: z.enum(['none', 'lowercase']).default('lowercase'),
      }),
    )
    .default([]),
  /** Which CRM records take part: those with every `required` property non-empty. */
  filter: z
    .strictObject({ crm: z.strictObject({ required: z.array(propertyName).default([]) }) })
    .default({ crm: { required: [] } }),
  fields: z.array(fieldSchema).min(1, 'list at least one field to map'),
  constants: z
    .strictObject({ erp: z.record(propertyName, z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}) })
    .default({ erp: {} }),
});

export type MappingFile = z.infer<typeof mappingSchema>;
