/**
 * The CRM -> ERP hot path as one generated function per mapping. The closure-based loop in
 * `compile.ts` calls every field's reader, steps and writer through shared, megamorphic call
 * sites, which V8 cannot inline (about 2x a hand-written function). Here each field gets its
 * own call sites and literal property keys, so V8 inlines the steps as it would hand-written code.
 *
 * Only trusted text reaches the generated source: property keys checked to be plain identifiers
 * (then JSON-quoted), numbers and booleans. Transforms stay ordinary functions passed in.
 */
import type { FieldPlan } from './compile-field.js';
import type { ReferenceResolver } from './resolver.js';
import { fromVendor, StepFailure, type Value } from './values.js';

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the generated function was when it threw, or which field was required but empty. */
export interface Position {
  at: number;
}

/** Fills `out` from `fields`; returns -1, or the index of a required field that came out empty. */
export type GeneratedToErp = (
  fields: Readonly<Record<string, unknown>>,
  resolver: ReferenceResolver | undefined,
  out: Record<string, unknown>,
  position: Position,
) => number;

/** Generates the field loop of `toErp` for `plans` (the fields flowing to the ERP, in order). */
export function generateToErp(plans: readonly FieldPlan[], trim: boolean): GeneratedToErp {
  const names: string[] = ['fromVendor', 'text'];
  const values: unknown[] = [
    (raw: unknown) => fromVendor(raw, true),
    trim ? (raw: unknown) => templateText(raw).trim() : templateText,
  ];
  const bind = (name: string, value: unknown): string => {
    names.push(name);
    values.push(value);
    return name;
  };
  const lines: string[] = ['let v, raw;'];
  plans.forEach((plan, k) => {
    const body: string[] = [`position.at = ${k};`];
    const [crm] = plan.spec.crm;
    const template = plan.steps[0]?.template;
    let first = 0;
    if (template !== undefined && plan.spec.crm.every((p) => SIMPLE_KEY.test(p))) {
      // The template inlined: literal + value + literal ..., trimmed as templateStep does.
      const parts = template.order.map(
        (index, i) =>
          `text(fields[${JSON.stringify(plan.spec.crm[index])}]) + ${JSON.stringify(template.literals[i + 1] ?? '')}`,
      );
      body.push(
        `v = (${JSON.stringify(template.literals[0] ?? '')} + ${parts.join(' + ')}).trim();`,
        `if (v === '') v = null;`,
      );
      first = 1;
    } else if (plan.spec.crm.length === 1 && crm !== undefined && SIMPLE_KEY.test(crm)) {
      const trimmed = trim ? 'raw.trim()' : 'raw';
      body.push(
        `raw = fields[${JSON.stringify(crm)}];`,
        `if (typeof raw === 'string') { raw = ${trimmed}; v = raw === '' ? null : raw; } else v = fromVendor(raw);`,
      );
    } else body.push(`v = ${bind(`read${k}`, plan.readCrm)}(fields);`);
    plan.steps.forEach((step, j) => {
      if (j < first) return;
      const fn = bind(`s${k}_${j}`, step.forward);
      body.push(step.nulls === true ? `v = ${fn}(v, resolver);` : `if (v !== null) v = ${fn}(v, resolver);`);
    });
    if (plan.spec.required) body.push(`if (v === null) return ${k};`);
    const [erp] = plan.spec.erp;
    const direct = plan.spec.erp.length === 1 && erp !== undefined && SIMPLE_KEY.test(erp) && !isIdField(plan);
    body.push(direct ? `out[${JSON.stringify(erp)}] = v;` : `${bind(`write${k}`, plan.writeErp)}(out, v);`);
    lines.push(plan.resolves ? `if (resolver !== undefined) {\n${body.join('\n')}\n}` : body.join('\n'));
  });
  lines.push('return -1;');
  const factory = new Function(
    ...names,
    `return function toErp(fields, resolver, out, position) {\n${lines.join('\n')}\n};`,
  ) as (...args: unknown[]) => GeneratedToErp;
  return factory(...values);
}

/** A value as template text: empty for null, as `templateStep` writes it. */
function templateText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  const v = fromVendor(raw, true);
  if (v === null) return '';
  if (typeof v === 'object') throw new StepFailure(`template expects text, got a list`);
  return String(v);
}

/** Reference and lookup fields write ids through their writer, which turns "57" into 57. */
function isIdField(plan: FieldPlan): boolean {
  return plan.spec.reference !== undefined || plan.steps[plan.steps.length - 1]?.resolves === true;
}

export type { Value };
