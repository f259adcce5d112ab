/**
 * The properties API: `GET /crm/v3/properties/{object}` (the definitions, with `hasUniqueValue`
 * and `modificationMetadata.readOnlyValue`), `POST /crm/v3/properties/{object}` (create a custom
 * property: name, label, type, fieldType and groupName required; 201), and the property groups,
 * `GET` / `POST /crm/v3/properties/{object}/groups`. A `type` must go with one of its valid
 * `fieldType`s (enforced by HubSpot's v3 endpoints since February 2021), else 400 VALIDATION_ERROR;
 * an existing name is a 409.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide
 * https://developers.hubspot.com/changelog/crm-object-property-validattion
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SEED_EPOCH } from '../../seed.js';
import { HubspotHttpError, errorBody, validationError } from '../errors.js';
import { type ObjectType, propertiesOf, propertyOf } from '../properties.js';
import type { PropertyDefinition } from '../property-builders.js';
import type { PropertyGroup } from '../custom-properties.js';
import { type RouteContext, objectParam, parseBody } from './common.js';

/** The properties guide's table: each type and the field types valid for it. */
export const VALID_FIELD_TYPES: Readonly<Record<PropertyDefinition['type'], readonly string[]>> = {
  bool: ['booleancheckbox', 'calculation_equation'],
  enumeration: ['booleancheckbox', 'checkbox', 'radio', 'select', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  string: ['file', 'text', 'textarea', 'calculation_equation', 'html', 'phonenumber'],
  number: ['number', 'calculation_equation'],
};

/** The built-in groups' labels (HubSpot's default groups of each object, and the one tandem_ref is in). */
const GROUP_LABELS: Readonly<Record<string, string>> = {
  contactinformation: 'Contact information',
  companyinformation: 'Company information',
  dealinformation: 'Deal information',
  productinformation: 'Product information',
  lineiteminformation: 'Line item information',
  tandem: 'Tandem',
};

const createSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  fieldType: z.string(),
  groupName: z.string(),
  description: z.string().optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  options: z.array(z.object({ label: z.string(), value: z.string() }).loose()).optional(),
});
const groupSchema = z.object({ name: z.string(), label: z.string(), displayOrder: z.number().int().optional() });

const iso = (ms: number): string => new Date(ms).toISOString();

function renderProperty(p: PropertyDefinition, displayOrder: number, createdAt: number | undefined) {
  const custom = createdAt !== undefined || p.name === 'tandem_ref';
  const at = iso(createdAt ?? SEED_EPOCH);
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    description: '',
    groupName: p.groupName,
    options: (p.options ?? []).map((option, n) => ({ label: option, value: option, displayOrder: n, hidden: false })),
    displayOrder,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue,
    hidden: false,
    hubspotDefined: !custom,
    modificationMetadata: { archivable: custom, readOnlyDefinition: !custom, readOnlyValue: p.readOnlyValue },
    formField: !p.readOnlyValue,
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
}

/** The object's groups: those its built-in properties are in, then those created through the API. */
function groupsOf(ctx: RouteContext, object: ObjectType): PropertyGroup[] {
  const builtIn = [...new Set(propertiesOf(object).map((p) => p.groupName))].map((name, displayOrder) => ({
    name,
    label: GROUP_LABELS[name] ?? name,
    displayOrder,
  }));
  return [...builtIn, ...ctx.store.custom.groups(object)];
}

// Guessed wording and category for the 409 (the v2 docs document the 409 for an existing name).
const exists = (what: string, name: string): HubspotHttpError =>
  new HubspotHttpError(409, { ...errorBody('OBJECT_ALREADY_EXISTS', `${what} named '${name}' already exists.`) });

/** The definition a create asks for, or HubSpot's 400 / 409 (wordings guessed). */
function definitionOf(ctx: RouteContext, object: ObjectType, body: z.infer<typeof createSchema>): PropertyDefinition {
  const validTypes = Object.keys(VALID_FIELD_TYPES);
  if (!validTypes.includes(body.type))
    throw validationError(`Invalid input JSON: type '${body.type}' is not one of [${validTypes.join(', ')}]`, {
      errors: [{ message: `Invalid type ${body.type}`, code: 'INVALID_ENUM', in: 'type' }],
    });
  const type = body.type as PropertyDefinition['type'];
  const fieldTypes = VALID_FIELD_TYPES[type];
  if (!fieldTypes.includes(body.fieldType))
    throw validationError(
      `fieldType '${body.fieldType}' is not valid for a property of type '${type}'; valid field types: ${fieldTypes.join(', ')}`,
      { errors: [{ message: `Invalid fieldType ${body.fieldType}`, code: 'INVALID_FIELD_TYPE', in: 'fieldType' }] },
    );
  if (!/^[a-z][a-z0-9_]*$/.test(body.name))
    throw validationError(
      `Property name '${body.name}' is not valid: use lower-case letters, digits and underscores, starting with a letter`,
    );
  if (propertyOf(object, body.name, ctx.store) !== undefined) throw exists('Property', body.name);
  if (!groupsOf(ctx, object).some((g) => g.name === body.groupName))
    throw validationError(`Property group '${body.groupName}' does not exist`);
  return {
    name: body.name,
    label: body.label,
    type,
    fieldType: body.fieldType,
    groupName: body.groupName,
    // Not modelled: a custom property's unique values (hasUniqueValue) are not enforced here.
    hasUniqueValue: false,
    readOnlyValue: false,
    ...(body.options === undefined ? {} : { options: body.options.map((o) => o.value) }),
  };
}

export function registerPropertyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/crm/v3/properties/:object', async (request) => {
    const object = objectParam(request.params);
    return {
      results: propertiesOf(object, ctx.store).map((p, i) =>
        renderProperty(p, i, ctx.store.custom.createdAt(object, p.name)),
      ),
    };
  });

  app.post('/crm/v3/properties/:object', async (request, reply) => {
    const object = objectParam(request.params);
    const definition = definitionOf(ctx, object, parseBody(createSchema, request.body));
    const at = ctx.store.tick();
    ctx.store.custom.add(object, definition, at);
    return reply.code(201).send(renderProperty(definition, propertiesOf(object, ctx.store).length - 1, at));
  });

  app.get('/crm/v3/properties/:object/groups', async (request) => {
    const object = objectParam(request.params);
    return { results: groupsOf(ctx, object).map((g) => ({ ...g, archived: false })) };
  });

  app.post('/crm/v3/properties/:object/groups', async (request, reply) => {
    const object = objectParam(request.params);
    const body = parseBody(groupSchema, request.body);
    if (!/^[a-z][a-z0-9_]*$/.test(body.name))
      throw validationError(
        `Property group name '${body.name}' is not valid: use lower-case letters, digits and underscores`,
      );
    if (groupsOf(ctx, object).some((g) => g.name === body.name)) throw exists('Property group', body.name);
    const group = { name: body.name, label: body.label, displayOrder: body.displayOrder ?? -1 };
    ctx.store.custom.addGroup(object, group);
    return reply.code(201).send({ ...group, archived: false });
  });
}
