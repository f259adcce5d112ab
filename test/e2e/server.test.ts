import fs from 'node:fs';
import path from 'node:path';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { signHubspotV3 } from '../../src/webhooks/hubspot-v3.js';
import { writeTestConfig } from '../helpers/config.js';
import { spawnTandem, tandem } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const API_TOKEN = 'e2e-control-token-7f3a9c';
const HUBSPOT_APP_SECRET = 'e2e-hubspot-app-secret-51be';
const SANDBOX_SECRETS = ['sandbox-hubspot-token', 'sandbox-odoo-key'];
const SILENCE_MS = 3000;

type Line = Record<string, unknown>;

function sample(families: PromFamily[], name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((f) => f.name === name);
  const match = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return match?.value === undefined ? undefined : Number(match.value);
}

describe('the daemon with its HTTP server, played against as HubSpot would', () => {
  it('runs a webhook-targeted sync within seconds, raises the silence alarm, serves metrics that match `tandem status`, and never logs a secret', async () => {
    const { dir, cleanup } = tempDir();
    const daemon = { current: undefined as ReturnType<typeof spawnTandem> | undefined };
    try {
      const config = writeTestConfig({ dir, contacts: 300, companies: 40, logLevel: 'info' });
      fs.writeFileSync(path.join(dir, 'api-token'), `${API_TOKEN}\n`);
      fs.writeFileSync(path.join(dir, 'hubspot-app-secret'), `${HUBSPOT_APP_SECRET}\n`);
      fs.appendFileSync(
        config,
        `server:
  port: 0
  tokenSecret: { file: api-token }
  publicUrl: https://tandem.example.com
  webhooks:
    crm: { scheme: hubspot-v3, secret: { file: hubspot-app-secret }, silenceAfterMs: ${SILENCE_MS} }
`,
      );
      const running = spawnTandem(['start', '--config', config]);
      daemon.current = running;
      const listening = await running.waitFor((l) => l['msg'] === 'server listening');
      const base = `http://127.0.0.1:${String(listening['port'])}`;
      const crmUrl = String((await running.waitFor((l) => l['msg'] === 'sandbox listening'))['crm']);
      const api = (url: string, init: RequestInit = {}) =>
        fetch(`${base}${url}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...init.headers } });
      const finishedRun = (l: Line): boolean => /^run (succeeded|failed)$/.test(String(l['msg']));
      // Every sync's run at start has finished before the test plays HubSpot.
      for (let settled = false; !settled; await new Promise((r) => setTimeout(r, 200))) {
        const { syncs } = (await (await api('/api/syncs')).json()) as {
          syncs: { running: boolean; lastRun: unknown }[];
        };
        settled = syncs.every((x) => !x.running && x.lastRun !== null);
      }

      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/api/syncs`)).status).toBe(401);

      // A person edits a contact in HubSpot; HubSpot posts a signed event.
      const edit = async (id: number, jobtitle: string): Promise<void> => {
        const response = await fetch(`${crmUrl}/__sandbox/objects/contacts/${id}`, {
          method: 'PATCH',
          headers: { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' },
          body: JSON.stringify({ properties: { jobtitle } }),
        });
        expect(response.status).toBe(200);
      };
      const postEvent = (id: number, secret = HUBSPOT_APP_SECRET, timestamp = Date.now()) => {
        const body = JSON.stringify([
          { objectId: id, subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle', occurredAt: timestamp },
        ]);
        const signature = signHubspotV3(secret, {
          method: 'POST',
          uri: 'https://tandem.example.com/webhooks/crm',
          body,
          timestamp: String(timestamp),
        });
        return fetch(`${base}/webhooks/crm`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-hubspot-signature-v3': signature,
            'x-hubspot-request-timestamp': String(timestamp),
          },
          body,
        });
      };

      const runsBefore = running.lines.filter((l) => l['msg'] === 'run started').length;
      expect((await postEvent(7, 'not-the-app-secret')).status).toBe(401);
      expect((await postEvent(7, HUBSPOT_APP_SECRET, Date.now() - 6 * 60_000)).status).toBe(401);
      await running.waitFor((l) => l['msg'] === 'webhook rejected' && l['reason'] === 'stale');
      expect(running.lines.filter((l) => l['msg'] === 'run started').length).toBe(runsBefore);

      await edit(7, 'Head of Webhooks');
      const sent = Date.now();
      const accepted = await postEvent(7);
      expect(accepted.status).toBe(202);
      expect(((await accepted.json()) as { syncs: string[] }).syncs).toContain('contacts');
      const finished = await running.waitFor(
        (l) => finishedRun(l) && l['sync'] === 'contacts' && Date.parse(String(l['time'])) >= sent,
        10_000,
      );
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect((finished['stats'] as { pulled: { crm: number } }).pulled.crm).toBeGreaterThanOrEqual(1);

      let ready = await fetch(`${base}/readyz`);
      const readyBody = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
      expect(readyBody.checks).toContainEqual({ name: 'webhooks:crm', ok: true });

      // HubSpot goes quiet, but the CRM keeps changing: the poll finds it and the alarm goes up.
      await new Promise((r) => setTimeout(r, SILENCE_MS + 500));
      await edit(8, 'Silent Changes Inc.');
      const polled = await api('/api/syncs/contacts/run?wait=true', { method: 'POST' });
      expect(polled.status).toBe(200);
      expect(((await polled.json()) as { pulled: { crm: number } }).pulled.crm).toBeGreaterThanOrEqual(1);
      await running.waitFor((l) => String(l['msg']).startsWith('webhook silence') && l['connector'] === 'crm', 5000);
      ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      const silent = (await ready.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
      expect(silent.checks.find((c) => c.name === 'webhooks:crm')).toMatchObject({
        ok: false,
        detail: expect.stringContaining('no verified webhook from crm'),
      });

      // Metrics parse as Prometheus text and agree with `tandem status --json`.
      const text = await (await api('/metrics')).text();
      const families = parsePrometheusTextFormat(text);
      expect(sample(families, 'tandem_webhook_silence_alarm', { connector: 'crm' })).toBe(1);
      expect(sample(families, 'tandem_runs_total', { sync: 'contacts', trigger: 'webhook' })).toBe(1);
      expect(sample(families, 'tandem_webhook_events_total', { connector: 'crm', result: 'accepted' })).toBe(1);
      expect(sample(families, 'tandem_webhook_events_total', { connector: 'crm', result: 'stale' })).toBe(1);
      expect(sample(families, 'tandem_webhook_events_total', { connector: 'crm', result: 'bad-signature' })).toBe(1);
      const status = await tandem(['status', '--config', config, '--json']);
      expect(status.code).toBe(0);
      const s = (JSON.parse(status.stdout) as { syncs: Record<string, unknown>[] }).syncs.find(
        (x) => x['sync'] === 'contacts',
      ) as {
        outbox: { pending: number; done: number; dead: number };
        deadLetters: number;
        links: number;
        ambiguousMatches: number;
        lastSuccessAt: string | null;
        checkpoint: { savedAt: string } | null;
        lagSeconds: number | null;
      };
      const sync = { sync: 'contacts' };
      for (const state of ['pending', 'done', 'dead'] as const) {
        expect(sample(families, 'tandem_outbox_operations', { ...sync, status: state })).toBe(s.outbox[state]);
      }
      expect(sample(families, 'tandem_dead_letters', sync)).toBe(s.deadLetters);
      expect(sample(families, 'tandem_links', sync)).toBe(s.links);
      expect(sample(families, 'tandem_ambiguous_matches', sync)).toBe(s.ambiguousMatches);
      expect(sample(families, 'tandem_conflicts', sync)).toBe(0);
      expect(sample(families, 'tandem_checkpoint_saved_timestamp_seconds', sync)).toBe(
        s.checkpoint === null ? undefined : Date.parse(s.checkpoint.savedAt) / 1000,
      );
      expect(sample(families, 'tandem_last_success_timestamp_seconds', sync)).toBe(
        s.lastSuccessAt === null ? undefined : Date.parse(s.lastSuccessAt) / 1000,
      );
      expect(sample(families, 'tandem_circuit_state', { connector: 'crm', state: 'closed' })).toBe(1);
      // Caught up after its runs: 0 however long ago the newest change was (it read the age of the
      // newest change before, which grows forever on a quiet sync).
      expect(s.lagSeconds).toBe(0);
      expect(sample(families, 'tandem_sync_lag_seconds', sync)).toBe(0);

      // A verified event clears the alarm.
      expect((await postEvent(9)).status).toBe(202);
      const cleared = (await (await fetch(`${base}/readyz`)).json()) as { checks: { name: string; ok: boolean }[] };
      expect(cleared.checks).toContainEqual({ name: 'webhooks:crm', ok: true });

      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      const everything = [...running.lines.map((l) => JSON.stringify(l)), status.stdout, status.stderr].join('\n');
      expect(running.lines.length).toBeGreaterThan(10);
      for (const secret of [API_TOKEN, HUBSPOT_APP_SECRET, ...SANDBOX_SECRETS]) {
        expect(everything.includes(secret), `a log line carries ${secret}`).toBe(false);
      }
    } finally {
      daemon.current?.child.kill('SIGKILL');
      cleanup();
    }
  }, 120_000);
});
