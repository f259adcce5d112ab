/** The JSON Schemas under schemas/ are what the zod schemas generate now (`npm run schemas`). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { generateSchemas } from '../../../src/json-schema.js';

describe('generated JSON Schemas', () => {
  const generated = generateSchemas();

  for (const [name, content] of Object.entries(generated)) {
    it(`schemas/${name} is up to date (run npm run schemas)`, () => {
      expect(fs.readFileSync(`schemas/${name}`, 'utf8')).toBe(content);
    });
  }

  it('describes transforms, directions and owners for editors', () => {
    const mapping = JSON.parse(generated['mapping.schema.json'] ?? '{}') as Record<string, unknown>;
    const text = JSON.stringify(mapping);
    expect(text).toContain('"crm->erp"');
    expect(text).toContain('"latest"');
    expect(text).toContain('"collapseWhitespace"');
    expect(text).toContain('"reverseDefault"');
  });

  it('the shipped mappings point editors at the schema', () => {
    for (const file of [
      'mappings/hubspot-contacts-to-odoo-partners.yaml',
      'mappings/hubspot-companies-to-odoo-companies.yaml',
    ]) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/mapping.schema.json');
      expect(parseDocument(text).errors).toEqual([]);
    }
  });
});
