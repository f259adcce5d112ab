/**
 * What a transform compiles to: a step with a forward function (CRM -> ERP) and, when the
 * transform can be undone, an inverse (ERP -> CRM). "Invertible" means the canonical round trip
 * holds: for every value `c` the forward function can produce, `forward(inverse(c)) === c`.
 * Normalisers (trim, lowercase, E.164) qualify: their inverse is the identity.
 */
import type { z } from 'zod';
import type { ReferenceResolver } from '../resolver.js';
import type { Value } from '../values.js';

export type StepFn = (value: Value, resolver: ReferenceResolver | undefined) => Value;

export interface Step {
  readonly name: string;
  readonly forward: StepFn;
  /** Undefined when the transform cannot be undone; `noInverse` then says why. */
  readonly inverse: StepFn | undefined;
  readonly noInverse?: string;
  /** Called for null too (default, required); other steps pass null through untouched. */
  readonly nulls?: boolean;
  /** Needs a resolver (catalog lookups); a field with such a step is skipped without one. */
  readonly resolves?: boolean;
  /** The step emits a list (split): the next step or the target must take one. */
  readonly emitsList?: boolean;
  /** The step may emit booleans: an ERP `false` read for this field is a value, not "empty". */
  readonly emitsBoolean?: boolean;
  /**
   * As the field's last step: how its canonical value goes into an ERP payload (decimal text ->
   * a JSON number); default: as it is.
   */
  readonly payload?: (value: Value) => Value;
}

/** What a transform knows about where it is used, at compile time. */
export interface BuildContext {
  /** Number of values in the incoming list (a field with several CRM paths), or 1. */
  readonly arity: number;
  /** Number of ERP paths the field writes, or 1. */
  readonly targets: number;
}

/** A semantic error in a transform's options; `path` is relative to the options, for the position. */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

/** A transform of the mapping language: its options schema, docs and compiler. */
export interface TransformDef {
  readonly name: string;
  /** One line for the docs table and error messages. */
  readonly summary: string;
  /** How it is written in YAML, e.g. `{ truncate: 64 }`. */
  readonly example: string;
  /** May be written as a bare name (`- trim`). */
  readonly bare: boolean;
  /** Options as YAML gives them; a bare use passes `undefined`. */
  readonly options: z.ZodType;
  build(options: unknown, ctx: BuildContext): Step;
}

/** Declares a transform with typed options: `build` receives the parsed options. */
export function defineTransform<S extends z.ZodType>(def: {
  name: string;
  summary: string;
  example: string;
  bare?: boolean;
  options: S;
  build(options: z.output<S>, ctx: BuildContext): Step;
}): TransformDef {
  return {
    name: def.name,
    summary: def.summary,
    example: def.example,
    bare: def.bare ?? false,
    options: def.options,
    build: (raw, ctx) => def.build(def.options.parse(raw), ctx),
  };
}

/** The identity, as an inverse for normalisers. */
export const identity: StepFn = (value) => value;
