/** A record as the console shows it: its name, id, link to the vendor, modification time. */
import { ago, html } from './html.js';
import type { RecordView } from './types.js';

export function recordCard(title: string, r: RecordView | null) {
  if (r === null)
    return html`<div class="record">
      <h3>${title}</h3>
      <p class="muted">could not be read</p>
    </div>`;
  return html`<div class="record" data-record=${`${r.side}:${r.id}`}>
    <h3>${title}</h3>
    <p class="name">${r.name ?? '(no name)'}</p>
    <p>
      ${r.side.toUpperCase()} id ${r.id}
      ${r.url === null ? null : html` · <a href=${r.url} target="_blank" rel="noopener noreferrer">open in ${r.side.toUpperCase()}</a>`}
    </p>
    <p class="muted">
      ${!r.found ? 'not found at the vendor' : r.archived ? 'archived' : `modified ${r.modifiedAt ?? '?'} (${ago(r.modifiedAt)})`}
    </p>
  </div>`;
}

/** A record's fields as a definition list. */
export function fieldList(fields: Record<string, unknown>) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return null;
  return html`<dl class="fields">
    ${entries.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v === null || v === '' ? '(empty)' : typeof v === 'string' ? v : JSON.stringify(v)}</dd>`,
    )}
  </dl>`;
}
