/** Overview: each sync's state, last run, lag, breakers, outbox, dead letters, conflicts; run, pause, resume. */
import { api, enc } from '../api.js';
import { ago, html, seconds } from '../html.js';
import { Loaded } from '../loaded.js';
import type { SyncRow } from '../types.js';

function stateOf(s: SyncRow): string {
  if (!s.enabled) return 'disabled';
  if (s.paused) return 'paused';
  return s.running ? 'running' : 'idle';
}

function lastRun(s: SyncRow) {
  const r = s.lastRun;
  if (r === null) return 'none yet';
  return html`${r.kind} <strong>${r.status}</strong>${`, ${ago(r.finishedAt ?? r.startedAt)}`}`;
}

export class Overview extends Loaded<Record<string, never>, SyncRow[]> {
  async load(): Promise<SyncRow[]> {
    return (await api.get<{ syncs: SyncRow[] }>('/api/overview')).syncs;
  }

  control(sync: string, action: 'run' | 'pause' | 'resume'): Promise<void> {
    return this.act(async () => {
      await api.post(`/api/syncs/${enc(sync)}/${action}`);
      return action === 'run' ? `${sync}: a run was started` : `${sync}: ${action === 'pause' ? 'paused' : 'resumed'}`;
    });
  }

  view(syncs: SyncRow[]) {
    if (syncs.length === 0) return html`<p>No syncs are configured.</p>`;
    return html`<div class="cards">${syncs.map((s) => this.card(s))}</div>`;
  }

  /** The queues that need a person, each a link to its page (separators as values: htm drops line-break white space). */
  queues(s: SyncRow) {
    const q = `?sync=${enc(s.sync)}`;
    return html`<a href=${`#/dead-letters${q}`}>${s.deadLetters} dead letters</a>${', '}<a href=${`#/conflicts${q}`}
        >${s.conflicts} conflicts</a
      >${', '}<a href=${`#/matches${q}`}>${s.ambiguousMatches} ambiguous matches</a>`;
  }

  card(s: SyncRow) {
    const busy = this.state.busy === true;
    const breaker = (side: 'crm' | 'erp') => {
      const b = s.breakers[side];
      return b === null ? 'unknown' : `${b.connector}: ${b.state}`;
    };
    return html`<section class="card" data-sync=${s.sync}>
      <h2>${s.sync} <span class=${`badge state-${stateOf(s)}`} data-state>${stateOf(s)}</span></h2>
      <dl>
        <dt>Last run</dt>
        <dd>${lastRun(s)}</dd>
        <dt>Since the last success</dt>
        <dd>${seconds(s.sinceSuccessS)}</dd>
        <dt>Read up to</dt>
        <dd>${s.checkpoint === null ? 'nothing read yet' : s.checkpoint.modifiedAt}</dd>
        <dt>Breakers</dt>
        <dd>${breaker('crm')}; ${breaker('erp')}</dd>
        <dt>Outbox</dt>
        <dd>${s.outbox.pending} pending, ${s.outbox.done} done, ${s.outbox.dead} dead</dd>
        <dt>Needs a person</dt>
        <dd>${this.queues(s)}</dd>
        <dt>Links</dt>
        <dd>${s.links} linked pairs; schedule <code>${s.schedule}</code></dd>
      </dl>
      <div class="actions">
        <button disabled=${busy} onClick=${() => this.control(s.sync, 'run')}>Run now</button>
        ${
          s.paused
            ? html`<button disabled=${busy} onClick=${() => this.control(s.sync, 'resume')}>Resume</button>`
            : html`<button disabled=${busy} onClick=${() => this.control(s.sync, 'pause')}>Pause</button>`
        }
        <a href=${`#/runs?sync=${enc(s.sync)}`}>Run history</a>
      </div>
    </section>`;
  }
}
