/**
 * An alert: something a person should look at, raised by the daemon (src/alerts/watch.ts) and
 * sent by the notifier (src/alerts/notifier.ts) to the configured targets, linking to the console.
 */

export const ALERT_KINDS = [
  'dead-letter',
  'conflict',
  'stale-sync',
  'breaker-open',
  'webhook-silence',
  'drift',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  readonly kind: AlertKind;
  /** What the alert is about, stable across raises: `dead-letter:contacts:12`, `stale-sync:contacts`. */
  readonly key: string;
  readonly sync?: string;
  readonly connector?: string;
  /** One line in words: "contacts: a write to erp record 42 failed and went to the dead letters". */
  readonly title: string;
  /** The console page that shows it (absolute when a console URL is known). */
  readonly link: string;
  /** ISO time it was raised. */
  readonly at: string;
  /** Figures for programs (ids, counts); never a record's field values (personal data). */
  readonly data?: Readonly<Record<string, string | number | boolean | null>>;
}

/** The console page of each kind (the web console's hash routes). */
export const CONSOLE_PAGES: Record<AlertKind, string> = {
  'dead-letter': '#/dead-letters',
  conflict: '#/conflicts',
  'stale-sync': '#/',
  'breaker-open': '#/',
  'webhook-silence': '#/',
  drift: '#/drift',
};

/** `<console>/#/page?sync=...`: the page of `kind`, narrowed to `sync` when given. */
export function consoleLink(consoleUrl: string | undefined, kind: AlertKind, sync?: string): string {
  const page = CONSOLE_PAGES[kind];
  const query = sync === undefined ? '' : `?sync=${encodeURIComponent(sync)}`;
  return `${(consoleUrl ?? '').replace(/\/+$/, '')}/${page}${query}`;
}
