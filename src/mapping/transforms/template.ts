/**
 * Templates: several CRM values composed into one text (`{firstname} {lastname}` -> name), and
 * back where that is well defined: the literal text between two placeholders is the separator
 * to split on, so adjacent placeholders (`{a}{b}`) have no way back. `split: first` gives a lone
 * or extra word to the earlier placeholders' side of the first separator, `last` to the later.
 *
 * White space inside the values is kept as typed ("de  la  Cruz" stays so) and only the ends of
 * the result are trimmed. A separator is matched literally: a template's ordinary space never
 * matches a no-break space, so "Jean\u00a0Pierre Dupont" splits into "Jean\u00a0Pierre" and
 * "Dupont" (docs/matching.md).
 */
import { asText, fail, show, type Value } from '../values.js';
import type { Step } from './step.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;

/** The distinct placeholder names of a template, in order of first appearance. */
export function placeholders(format: string): string[] {
  return [...new Set([...format.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** Compiles a template over values given as a list in the order of {@link placeholders}. */
export function templateStep(format: string, split: 'first' | 'last'): Step {
  const names = placeholders(format);
  const literals = format.split(PLACEHOLDER).filter((_, i) => i % 2 === 0);
  const order = [...format.matchAll(PLACEHOLDER)].map((m) => names.indexOf(m[1] ?? ''));
  const repeated = order.length !== names.length;
  const middle = literals.slice(1, -1);
  const touching = middle.findIndex((l) => l === '');
  const head = (literals[0] ?? '').trimStart();
  const tail = (literals[literals.length - 1] ?? '').trimEnd();

  const forward = (value: Value): Value => {
    const values = Array.isArray(value) ? (value as Value[]) : [value];
    let out = literals[0] ?? '';
    for (let i = 0; i < order.length; i++) {
      const v = values[order[i] as number] ?? null;
      out += (v === null ? '' : asText(v, 'template')) + (literals[i + 1] ?? '');
    }
    const text = out.trim();
    return text === '' ? null : text;
  };

  const empty = forward(new Array<Value>(names.length).fill(null));
  const inverse = (value: Value): Value => {
    let text = asText(value, 'template');
    // Every value empty: only the literals were left (and trimmed).
    if (text === empty) return names.length === 1 ? null : new Array<Value>(names.length).fill(null);
    if (!text.startsWith(head)) return fail(`${show(text)} does not start with ${show(head)}`);
    if (!text.endsWith(tail)) return fail(`${show(text)} does not end with ${show(tail)}`);
    text = text.slice(head.length, text.length - tail.length);
    const parts = split === 'first' ? splitFirst(text, middle, names.length) : splitLast(text, middle, names.length);
    return names.length === 1 ? (parts[0] ?? null) : parts;
  };

  const noInverse = repeated
    ? 'a placeholder appears twice'
    : touching >= 0
      ? `placeholders {${names[touching]}} and {${names[touching + 1]}} touch, so the text cannot be split back; put a separator between them`
      : undefined;
  return {
    name: 'template',
    forward,
    inverse: noInverse === undefined ? inverse : undefined,
    ...(noInverse === undefined ? {} : { noInverse }),
  };
}

/** Splits on each separator's first occurrence, left to right: a lone or extra word goes to the earlier values. */
function splitFirst(rest: string, separators: readonly string[], n: number): Value[] {
  const parts: Value[] = new Array<Value>(n).fill(null);
  let text = rest;
  let i = 0;
  for (; i < separators.length; i++) {
    const separator = separators[i] as string;
    const at = text.indexOf(separator);
    if (at < 0) {
      // Later values were empty and the output was trimmed: the separator lost its white space.
      const cut = separator.trimEnd();
      if (cut !== '' && cut !== separator && text.endsWith(cut)) text = text.slice(0, text.length - cut.length);
      break;
    }
    parts[i] = text.slice(0, at) || null;
    text = text.slice(at + separator.length);
  }
  parts[i] = text || null;
  return parts;
}

/** Splits on each separator's last occurrence, right to left: a lone or extra word goes to the later values. */
function splitLast(rest: string, separators: readonly string[], n: number): Value[] {
  const parts: Value[] = new Array<Value>(n).fill(null);
  let text = rest;
  let i = separators.length;
  for (; i > 0; i--) {
    const separator = separators[i - 1] as string;
    const at = text.lastIndexOf(separator);
    if (at < 0) break;
    parts[i] = text.slice(at + separator.length) || null;
    text = text.slice(0, at);
  }
  parts[i] = text || null;
  return parts;
}
