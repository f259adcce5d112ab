/** Every model definition the sandbox serves, by name: domains follow dotted paths through them. */
import { COUNTRY, PARTNER, type ModelDef } from './fields.js';
import { SALES_MODELS } from './sales-fields.js';

export const MODELS: ReadonlyMap<string, ModelDef> = new Map(
  [PARTNER, COUNTRY, ...SALES_MODELS].map((model) => [model.name, model]),
);
