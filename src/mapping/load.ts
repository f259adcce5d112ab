/** Loads a mapping file: YAML with positions, the schema, then compiles it. */
import { parseWith, readYaml } from '../config/yaml-source.js';
import { compileMapping, type CompiledMapping } from './compile.js';
import { mappingSchema } from './schema.js';

export function loadMapping(file: string): CompiledMapping {
  const source = readYaml(file);
  return compileMapping(file, parseWith(source, mappingSchema));
}
