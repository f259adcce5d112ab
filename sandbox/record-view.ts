/**
 * A read-only page showing one sandbox record, for the links in drift reports: a connector bound
 * to the sandbox links its records here (`/__sandbox/view/<object>/<id>`), where a vendor's own
 * connector links to the vendor's web UI. No token (a browser link cannot send one): the sandbox
 * listens on 127.0.0.1 and holds generated data only. Every value is escaped.
 */
import { escapeHtml } from '../src/html.js';

export const VIEW_PREFIX = '/__sandbox/view/';

const escape = (value: unknown): string =>
  escapeHtml(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

export function viewPath(object: string, id: string): string {
  return `${VIEW_PREFIX}${encodeURIComponent(object)}/${encodeURIComponent(id)}`;
}

export function renderRecordView(
  system: string,
  object: string,
  id: string,
  record: Readonly<Record<string, unknown>> | undefined,
  archived: boolean,
): string {
  const title = `${system} sandbox: ${object} ${id}`;
  const rows =
    record === undefined
      ? '<p>No such record.</p>'
      : `<table>${Object.entries(record)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`)
          .join('')}</table>`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>${escape(title)}</title><style>body{font:14px system-ui,sans-serif;margin:24px}` +
    `th{text-align:left;padding:2px 12px 2px 0;color:#5b6478;font-weight:500}td{font-family:ui-monospace,monospace}</style></head>` +
    `<body><h1>${escape(title)}${archived ? ' (archived)' : ''}</h1>${rows}</body></html>\n`
  );
}
