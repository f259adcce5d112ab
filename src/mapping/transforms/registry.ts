/** Every transform of the mapping language, by name: what the schema, compiler and docs use. */
import { NUMBER_TRANSFORMS } from './number.js';
import { PHONE_TRANSFORMS } from './phone.js';
import type { TransformDef } from './step.js';
import { STRUCTURE_TRANSFORMS } from './structure.js';
import { TEXT_TRANSFORMS } from './text.js';
import { TIME_TRANSFORMS } from './time.js';

export const TRANSFORMS: ReadonlyMap<string, TransformDef> = new Map(
  [...TEXT_TRANSFORMS, ...NUMBER_TRANSFORMS, ...TIME_TRANSFORMS, ...PHONE_TRANSFORMS, ...STRUCTURE_TRANSFORMS].map(
    (t) => [t.name, t],
  ),
);

/** "Did you mean": shared with the config loader, which names unknown keys the same way. */
export { closest } from '../../config/closest.js';
