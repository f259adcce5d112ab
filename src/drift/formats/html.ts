/**
 * The HTML drift report: one self-contained file (inline style and script, no external asset, a
 * Content-Security-Policy that forbids loading any), readable offline. The summary with a bar chart
 * of the categories, then the rows in a table that sorts by any column and filters by text and
 * category. Every vendor value is escaped: a report must never run what a record contains.
 */
import { escapeHtml } from '../../html.js';
import { CATEGORY_LABELS, DRIFT_CATEGORIES, type DriftRow } from '../report-schema.js';
import { cell, Sink } from './sink.js';
import { shownValue, type ReferenceNames } from './values.js';
import { delta, flatten, percent, type ReportHead } from './text.js';

const escape = (value: unknown): string => escapeHtml(cell(value));

const safeUrl = (url: string | undefined): string | undefined =>
  url !== undefined && /^https?:\/\//i.test(url) ? url : undefined;

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2433;background:#fff}
h1{font-size:20px;margin:0 0 4px}.meta{color:#5b6478;margin-bottom:16px}
.summary{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start;margin-bottom:20px}
.big{font-size:32px;font-weight:600}.muted{color:#5b6478}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e3e6ee;padding:4px 8px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f5f6fa;position:sticky;top:0;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.v{font-family:ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere;min-width:12em;max-width:32em}
.empty{color:#8a93a6;font-style:italic}.when{display:block;color:#5b6478;font-size:12px;white-space:nowrap}
.counts td{border:none;padding:2px 8px}.controls{margin:12px 0;display:flex;gap:12px;align-items:center}
.bar{fill:#4c6ef5}.cat{font-family:ui-monospace,monospace}
`;

const SCRIPT = `
(function(){
  var body=document.querySelector('#rows tbody');
  var rows=Array.prototype.slice.call(body.rows);
  var text=document.getElementById('filter');
  var cat=document.getElementById('category');
  var shown=document.getElementById('shown');
  function apply(){
    var q=text.value.trim().toLowerCase(), c=cat.value, n=0;
    rows.forEach(function(r){
      var ok=(c===''||r.getAttribute('data-category')===c)&&(q===''||r.textContent.toLowerCase().indexOf(q)>=0);
      r.hidden=!ok; if(ok) n++;
    });
    shown.textContent=String(n);
  }
  text.addEventListener('input',apply); cat.addEventListener('change',apply);
  Array.prototype.forEach.call(document.querySelectorAll('#rows th'),function(th,i){
    th.addEventListener('click',function(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      Array.prototype.forEach.call(document.querySelectorAll('#rows th'),function(o){o.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      rows.sort(function(a,b){
        var x=a.cells[i].textContent, y=b.cells[i].textContent;
        var nx=Number(x), ny=Number(y);
        var d=(x!==''&&y!==''&&!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
        return asc?d:-d;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  apply();
})();
`;

function chart(head: ReportHead): string {
  const counts = head.summary.categories;
  const max = Math.max(1, ...DRIFT_CATEGORIES.map((c) => counts[c]));
  const rowHeight = 20;
  const bars = DRIFT_CATEGORIES.map((c, i) => {
    const width = Math.round((counts[c] / max) * 220);
    const y = i * rowHeight;
    return (
      `<text x="0" y="${y + 14}" font-size="12">${CATEGORY_LABELS[c]}</text>` +
      `<rect class="bar" x="200" y="${y + 3}" width="${width}" height="14"></rect>` +
      `<text x="${206 + width}" y="${y + 14}" font-size="12">${counts[c]}</text>`
    );
  }).join('');
  return `<svg role="img" aria-label="rows per category" width="470" height="${DRIFT_CATEGORIES.length * rowHeight}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

export function writeHtml(
  file: string,
  head: ReportHead,
  rows: Iterable<DriftRow>,
  maxRows: number,
  references: ReferenceNames = new Map(),
): void {
  const sink = new Sink(file);
  try {
    sink.write(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8">`);
    sink.write(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    );
    sink.write(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
    sink.write(
      `<title>Drift report: ${escape(head.sync)} (${escape(head.generatedAt)})</title><style>${STYLE}</style></head><body>`,
    );
    writeSummary(sink, head);
    sink.write(
      `<div class="controls"><input id="filter" type="search" placeholder="filter rows" aria-label="filter rows">`,
    );
    sink.write(`<select id="category" aria-label="category"><option value="">every category</option>`);
    for (const c of DRIFT_CATEGORIES) sink.write(`<option value="${c}">${CATEGORY_LABELS[c]}</option>`);
    sink.write(`</select><span><span id="shown">0</span> rows shown</span></div>`);
    writeRows(sink, rows, maxRows, references);
    sink.write(`<script>${SCRIPT}</script></body></html>\n`);
  } finally {
    sink.close();
  }
}

/** The heading, the agreement (and the previous report's), the counts per category and their chart. */
function writeSummary(sink: Sink, head: ReportHead): void {
  const s = head.summary;
  const prev = s.previous;
  sink.write(`<h1>Drift report: ${escape(head.sync)}</h1>`);
  sink.write(
    `<div class="meta">${escape(head.generatedAt)} · ${escape(head.crm.connector)} ${escape(head.crm.object)} (${s.records.crm} records) ↔ ` +
      `${escape(head.erp.connector)} ${escape(head.erp.object)} (${s.records.erp} records) · scanned in ${(head.durationMs / 1000).toFixed(1)} s</div>`,
  );
  sink.write(`<div class="summary"><div><div class="big" data-testid="agreement">${percent(s.agreement)}</div>`);
  sink.write(`<div class="muted">in agreement: ${s.inAgreement} of ${s.linked} linked pairs agree</div>`);
  if (prev !== null)
    sink.write(
      `<div class="muted">previous report #${prev.id} (${escape(prev.generatedAt)}): ${percent(prev.agreement)}</div>`,
    );
  sink.write(
    `<div class="muted"><span data-testid="repairable">${s.repairable}</span> repairable with <code>tandem drift ${escape(head.sync)} --repair</code></div></div>`,
  );
  sink.write(`<table class="counts" data-testid="counts"><tbody>`);
  for (const c of DRIFT_CATEGORIES)
    sink.write(
      `<tr data-category="${c}"><td class="cat">${CATEGORY_LABELS[c]}</td><td data-testid="count-${c}">${s.categories[c]}</td><td class="muted">${delta(s.categories[c], prev?.categories[c])}</td></tr>`,
    );
  sink.write(`</tbody></table>${chart(head)}</div>`);
}

/** One table line per row and field, at most `maxRows`; the rest counted in a note below the table. */
function writeRows(sink: Sink, rows: Iterable<DriftRow>, maxRows: number, references: ReferenceNames): void {
  sink.write(
    `<table id="rows"><thead><tr><th>category</th><th>record</th><th>crm</th><th>erp</th><th>match key</th><th>field</th>` +
      `<th>crm value</th><th>erp value</th><th>base</th><th>wins</th><th>action</th></tr></thead><tbody>`,
  );
  let written = 0;
  let more = 0;
  for (const { row, field } of flatten(rows)) {
    if (written >= maxRows) {
      more++;
      continue;
    }
    const value = (v: unknown): string =>
      field === undefined ? '' : valueHtml(shownValue(field.field, v, references));
    sink.write(
      `<tr data-category="${row.category}"><td>${CATEGORY_LABELS[row.category]}</td>` +
        `<td data-testid="name">${escape(row.name ?? row.label)}</td>` +
        `<td>${link(row.crmId, row.urls.crm)}${when(row.modified?.crm)}</td>` +
        `<td>${link(row.erpId, row.urls.erp)}${when(row.modified?.erp)}</td><td>${escape(row.label)}</td><td>${escape(field?.field)}</td>` +
        `<td class="v">${value(field?.crm)}</td><td class="v">${value(field?.erp)}</td><td class="v">${value(field?.base)}</td>` +
        `<td>${field?.winner ?? ''}</td><td>${escape(field?.action ?? `${row.detail}: ${row.action}`)}</td></tr>`,
    );
    written++;
  }
  sink.write(`</tbody></table>`);
  if (more > 0)
    sink.write(`<p class="muted" data-testid="truncated">…and ${more} more lines: see the JSON or CSV report.</p>`);
}

/** A value cell: "(empty)" set apart from a value, so an empty side is not read as a blank cell. */
function valueHtml(shown: string | undefined): string {
  return shown === undefined ? '<span class="empty">(empty)</span>' : escapeHtml(shown);
}

/** A record's modification time under its id. */
function when(at: string | undefined): string {
  return at === undefined || at === '' ? '' : `<span class="when" title="modified">modified ${escape(at)}</span>`;
}

/** A record id, linked to the record in its vendor's UI when the URL is a safe one. */
function link(id: string | null, url: string | undefined): string {
  const safe = safeUrl(url);
  if (id === null) return '';
  return safe === undefined
    ? escape(id)
    : `<a href="${escape(safe)}" target="_blank" rel="noopener noreferrer">${escape(id)}</a>`;
}
