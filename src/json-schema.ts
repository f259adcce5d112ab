/**
 * JSON Schemas for the config and mapping files, generated from the zod schemas that check them
 * at load, so editors (yaml-language-server) complete and check exactly what Tandem accepts.
 * `npm run schemas` writes them to `schemas/`; a test fails when the committed files are stale.
 */
import { z } from 'zod';
import { configSchema } from './config/schema.js';
import { driftReportSchema } from './drift/report-schema.js';
import { mappingSchema } from './mapping/schema.js';

function generate(schema: z.ZodType, title: string): string {
  // `io: input`: keys with defaults are optional, as they are in the files people write.
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any', reused: 'ref' });
  return `${JSON.stringify({ title, ...json }, null, 2)}\n`;
}

/** File name under `schemas/` -> its content. */
export function generateSchemas(): Readonly<Record<string, string>> {
  return {
    'mapping.schema.json': generate(mappingSchema, 'Tandem mapping file'),
    'config.schema.json': generate(configSchema, 'Tandem config file'),
    'drift-report.schema.json': generate(driftReportSchema, 'Tandem drift report (JSON format)'),
  };
}
