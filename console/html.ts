/** htm bound to preact's `h`: tagged templates instead of JSX, so the console needs no bundler. */
import { h, type ComponentChildren } from './vendor/preact/preact.module.js';
import htm from './vendor/htm/htm.module.js';

export const html: (strings: TemplateStringsArray, ...values: unknown[]) => ComponentChildren = htm.bind(h);

/** A value as a person reads it: empty shown as "(empty)", text as is, anything else as JSON. */
export function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** "3 min ago" style, from an ISO time. */
export function ago(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return 'never';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return iso;
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** A duration in seconds, in words. */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return 'no successful run yet';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
