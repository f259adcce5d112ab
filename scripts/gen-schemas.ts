/** Writes the generated JSON Schemas to schemas/ (`npm run schemas`). */
import fs from 'node:fs';
import path from 'node:path';
import { generateSchemas } from '../src/json-schema.js';

const dir = path.resolve('schemas');
fs.mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(generateSchemas())) {
  fs.writeFileSync(path.join(dir, name), content);
  process.stdout.write(`wrote schemas/${name}\n`);
}
