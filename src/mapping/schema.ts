/**
 * The mapping file's schema (zod): the source of the load-time checks and of the generated
 * `schemas/mapping.schema.json` that editors use. Semantic checks that need more than one key
 * (invertibility, references, connector fields) live in `check.ts`.
 */
import { z } from 'zod';
import { TRANSFORMS } from './transforms/registry.js';

export const PATH_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;

const path = z
  .string()
  .regex(PATH_PATTERN, 'a property name or a dotted path (letters, digits, _ and .), e.g. email or address.line1');
const paths = z.union([path, z.array(path).min(2)]).describe('one path, or a list of paths read/written as a list');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const side = z.enum(['crm', 'erp']);

const bareNames = [...TRANSFORMS.values()].filter((t) => t.bare).map((t) => t.name);

/** One transform: a bare name (`trim`) or a one-key map (`{ truncate: 64 }`). */
export const stepSchema = z
  .union([
    z.enum(bareNames as [string, ...string[]]),
    ...[...TRANSFORMS.values()].map((t) => z.strictObject({ [t.name]: t.options }).describe(t.summary)),
  ])
  .describe('a transform: a name such as trim, or a one-key map such as { truncate: 64 }');

export type StepSpec = z.infer<typeof stepSchema>;

export const directionSchema = z.enum(['both', 'crm->erp', 'erp->crm']);
/** A field's direction: a flow, or `none` (compare only: drift reports a difference, nothing writes it). */
export const fieldDirectionSchema = z.enum(['both', 'crm->erp', 'erp->crm', 'none']);
export const ownerSchema = z.enum(['crm', 'erp', 'latest', 'manual']);

const templateSchema = z.union([
  z.string(),
  z.strictObject({
    format: z.string(),
    split: z.enum(['first', 'last']).default('first').describe('which side a lone word goes to when going back'),
  }),
]);

/** One field of a collection's lines: its paths are keys of the line objects on each side. */
export const lineFieldSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe('name in the line (for key:); default: the ERP key'),
    crm: paths.optional().describe('key(s) of the CRM line object; or give a template'),
    template: templateSchema.optional().describe('CRM line values composed into one text: "{sku} {name}"'),
    erp: path.describe('key of the ERP line object'),
    transform: z.array(stepSchema).default([]).describe('transforms in CRM -> ERP order, per line'),
    required: z.boolean().default(false).describe('an empty value rejects the record, naming the line'),
  })
  .describe('one field of each line');

export type LineFieldSpec = z.infer<typeof lineFieldSchema>;

const linesSchema = z
  .strictObject({
    key: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .describe('the line field that identifies a line (lines sort by it, then by their other values)'),
    fields: z.array(lineFieldSchema).min(1, 'list at least one field of the lines'),
  })
  .describe('a collection of lines (order lines), mapped line by line; flows CRM -> ERP only');

const referenceSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(2)])
  .describe(
    'the sync whose links translate this id (companies); or one sync per CRM path, the first present value deciding',
  );

export const fieldSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe('canonical name; default: the ERP path'),
    crm: paths.optional().describe('CRM path(s); or give a template'),
    template: templateSchema.optional().describe('CRM values composed into one text: "{firstname} {lastname}"'),
    erp: paths.describe('ERP path(s)'),
    direction: fieldDirectionSchema
      .optional()
      .describe(
        'default: defaults.direction; none: compare only (never written, never a conflict; drift reports a difference)',
      ),
    owner: ownerSchema
      .optional()
      .describe('who wins when both sides changed (two-way fields); default: defaults.owner'),
    tie: side.optional().describe('owner latest: the side that wins equal modification times'),
    transform: z.array(stepSchema).default([]).describe('transforms in CRM -> ERP order; undone in reverse order'),
    required: z.boolean().default(false).describe('an empty value rejects the record'),
    reference: referenceSchema.optional(),
    lines: linesSchema.optional().describe('crm/erp hold lists of line objects, each mapped by these fields'),
  })
  .describe('one mapped field');

export type FieldSpec = z.infer<typeof fieldSchema>;

export const conditionSchema = z.strictObject({
  required: z.array(path).default([]).describe('paths that must be non-empty'),
  equals: z.record(z.string(), scalar).default({}).describe('path -> value it must equal'),
  notEquals: z.record(z.string(), scalar).default({}).describe('path -> value it must not equal'),
  in: z.record(z.string(), z.array(scalar)).default({}).describe('path -> values it must be one of'),
});

export type ConditionSpec = z.infer<typeof conditionSchema>;

const referenceTemplate = z
  .string()
  .regex(/\{id\}/, 'a template with {id}, e.g. "HS-{id}"')
  .describe('the other side id written into a reference field');

/** The sync policies for documents (orders): who creates, when a record is locked, what leaving does. */
const policyKeys = {
  creates: z
    .enum(['crm', 'erp', 'both'])
    .default('both')
    .describe("which side's unlinked records create counterparts; the other side's only pair or wait"),
  locked: z
    .strictObject({ erp: conditionSchema })
    .optional()
    .describe('an ERP record matching this is locked: changes toward it become conflicts for a person'),
  onLeave: z
    .strictObject({
      when: z.strictObject({ crm: conditionSchema }).describe('a linked CRM record matching this has left'),
      action: z.enum(['cancel', 'report']).describe('cancel: write `cancel` to the ERP record; report: a conflict'),
      cancel: z
        .strictObject({ erp: z.record(z.string(), scalar) })
        .optional()
        .describe('ERP field -> value written to cancel the counterpart (action cancel)'),
    })
    .optional()
    .describe('what happens to the ERP counterpart when a linked CRM record leaves (a deal lost)'),
  crmProperties: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[a-z][a-z0-9_]*$/, 'a HubSpot property name: lower-case letters, digits and _, e.g. tandem_state'),
        label: z.string().min(1),
        type: z.enum(['string', 'number', 'date', 'datetime']),
      }),
    )
    .default([])
    .describe('CRM properties created (when missing) before the first write to the CRM'),
};

const normalizeSchema = z.union([z.enum(['none', 'lowercase']), z.array(stepSchema)]);

export const mappingSchema = z
  .strictObject({
    description: z.string().optional(),
    crm: z.strictObject({ object: z.string().min(1).describe('the CRM object, e.g. contacts') }),
    erp: z.strictObject({ object: z.string().min(1).describe('the ERP object, e.g. res.partner') }),
    reference: z
      .strictObject({ erp: path, template: referenceTemplate })
      .describe('the ERP field that carries the CRM id: create-if-absent looks it up first'),
    crmReference: z
      .strictObject({ crm: path, template: referenceTemplate })
      .optional()
      .describe('the CRM field that carries the ERP id (writes to the CRM)'),
    match: z
      .array(z.strictObject({ crm: path, erp: path, normalize: normalizeSchema.default('lowercase') }))
      .default([])
      .describe('keys that pair records not linked yet, tried in order'),
    filter: z
      .strictObject({ crm: conditionSchema.optional(), erp: conditionSchema.optional() })
      .default({})
      .describe('which records of each side take part'),
    defaults: z
      .strictObject({
        direction: directionSchema.default('both'),
        owner: ownerSchema.default('latest'),
        tie: side.default('crm'),
        trim: z.boolean().default(true).describe('trim text read from either side; empty text is empty'),
      })
      .default({ direction: 'both', owner: 'latest', tie: 'crm', trim: true }),
    fields: z.array(fieldSchema).min(1, 'list at least one field to map'),
    constants: z
      .strictObject({
        erp: z.record(z.string(), scalar).default({}),
        crm: z.record(z.string(), scalar).default({}),
      })
      .default({ erp: {}, crm: {} })
      .describe('values always written on each side'),
    ...policyKeys,
  })
  .describe('A Tandem mapping: how records of a CRM object and an ERP object correspond');

export type MappingFile = z.infer<typeof mappingSchema>;
