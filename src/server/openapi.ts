/**
 * The OpenAPI 3.1 document of the server, generated from the route table and its zod schemas
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema emits). Deterministic, so
 * the copy committed under docs/openapi.json can be compared with the served one.
 */
import { z } from 'zod';
import { ROUTES, type RouteSpec } from './routes-spec.js';
import { apiRegistry } from './schemas.js';

type Json = Record<string, unknown>;

/** The API's version in the document (the package's version; bumped with it). */
export const API_VERSION = '0.1.0';

const REF = (id: string): string => `#/components/schemas/${id}`;

function strip(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function schemaOf(schema: z.ZodType): Json {
  const id = apiRegistry.get(schema)?.id;
  if (id !== undefined) return { $ref: REF(id) };
  return strip(z.toJSONSchema(schema, { unrepresentable: 'any' }) as Json);
}

function parameters(route: RouteSpec): Json[] {
  const list: Json[] = [];
  for (const [where, object] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (object === undefined) continue;
    for (const [name, field] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const schema = strip(z.toJSONSchema(field) as Json);
      const { description, ...rest } = schema;
      list.push({
        name,
        in: where,
        required: where === 'path' || !field.safeParse(undefined).success,
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  }
  return list;
}

function operation(route: RouteSpec): Json {
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth === 'bearer' ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(params.length === 0 ? {} : { parameters: params }),
    ...(route.body === undefined
      ? {}
      : { requestBody: { required: false, content: { 'application/json': { schema: schemaOf(route.body) } } } }),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema === undefined && response.contentType === undefined
            ? {}
            : {
                content: {
                  [response.contentType ?? 'application/json']:
                    response.schema === undefined ? {} : { schema: schemaOf(response.schema) },
                },
              }),
        },
      ]),
    ),
  };
}

/** Builds the document. `version` is the package version. */
export function buildOpenApi(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  const components = z.toJSONSchema(apiRegistry, { uri: REF, unrepresentable: 'any' }).schemas;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem daemon API',
      version,
      description:
        'Health, metrics, webhooks and the control API of a running `tandem start`. ' +
        'Everything but /healthz, /readyz, /openapi.json and the webhooks needs `Authorization: Bearer <token>` ' +
        '(or a web console session with its CSRF header: docs/console.md).',
    },
    servers: [{ url: 'http://127.0.0.1:8710' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: Object.fromEntries(Object.entries(components).map(([id, schema]) => [id, strip(schema as Json)])),
    },
  };
}
