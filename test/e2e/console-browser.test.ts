/**
 * The web console in Debian's Chromium (playwright-core; scripts/chromium.sh installs it, a missing
 * browser fails this test), against the daemon's server on the sandbox: sign in with the API token,
 * pause a sync, resolve a conflict, retry a dead letter, link an ambiguous match, and the state
 * (store, pause file) shows each effect. No console error, no request to another origin, and the
 * strict CSP holds (the page runs). Screenshots go to reports/console-screenshots/ (git-ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/types.js';
import type { SyncControl } from '../../src/control/control.js';
import { listen } from '../../src/server/server.js';
import { launchChromium } from '../helpers/chromium.js';
import { serveApp } from '../helpers/server-app.js';
import { world, type World } from '../scenarios/harness.js';

const TOKEN = 'console-browser-test-token';
const SHOTS = path.resolve('reports/console-screenshots');
describe('the web console in Chromium (the server on the sandbox)', () => {
  let w: World;
  let control: SyncControl;
  let stopServer: (() => Promise<void>) | undefined;
  let url = '';
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const ids = { contact: '', chosen: '', other: '', conflict: 0, letter: 0, letterKey: '' };

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    w = await world({ contacts: 10 });
    await w.runBoth();
    await seedQueues();
    let server: FastifyInstance;
    ({ control, server, close: stopServer } = await serveApp(w.app, { token: () => TOKEN }));
    url = (await listen(server, '127.0.0.1', 0)).url;
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      // A refused sign-in answers 401, which Chromium reports as a failed resource: expected once.
      if (m.type() === 'error' && !m.text().includes('401')) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) problems.push(`request elsewhere: ${r.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer?.();
    await w?.close();
  });

  /** An ambiguous first contact, a dead letter with its operation, and an open conflict, each real. */
  async function seedQueues(): Promise<void> {
    ids.chosen = await w.createErp({ name: 'Ann Twin', email: 'ann@twins.example' });
    ids.other = await w.createErp({ name: 'Ann T. (old)', email: 'ANN@twins.example' });
    ids.contact = await w.createCrm({ email: 'ann@twins.example', firstname: 'Ann', lastname: 'Twin' });
    await w.runBoth();
    const [link, second] = [...(await w.app.store.linksAfter('contacts', '', 2))];
    if (link === undefined || second === undefined) throw new Error('no linked pairs');
    const refusing: Connector = {
      ...w.contacts.erp,
      writer: {
        writeBatch: (_object, operations) =>
          Promise.resolve(
            operations.map((op) => ({
              key: op.key,
              ok: false as const,
              error: { code: 'VALIDATION_ERROR', message: 'Invalid field\nfunction: too long', retryable: false },
            })),
          ),
      },
    };
    await w.editCrm(second.crm_id, { jobtitle: 'Head of Everything' });
    await w.run('contacts', { ...w.contacts, erp: refusing });
    const letter = (await w.app.store.deadLetters('contacts')).find((l) => l.operation_key !== null);
    if (letter === undefined) throw new Error('no dead letter');
    ids.letter = letter.id;
    ids.letterKey = letter.operation_key ?? '';
    await w.app.store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [],
      conflicts: [
        {
          sync: 'contacts',
          crmId: link.crm_id,
          erpId: link.erp_id,
          field: 'city',
          kind: 'field',
          crmValue: 'Lyon',
          erpValue: 'Paris',
          baseValue: 'Nice',
        },
      ],
    });
    const conflict = (await w.app.store.conflicts('contacts')).find((c) => c.field === 'city');
    if (conflict === undefined) throw new Error('no conflict');
    ids.conflict = conflict.id;
  }

  it('serves the console with a strict CSP, and refuses a wrong token', async () => {
    const response = await page.goto(`${url}/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the API token');
    await shot('01-sign-in-refused');
  });

  it('signs in with the API token: an HttpOnly, SameSite=Strict session cookie, and the overview', async () => {
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('section[data-sync="contacts"]').waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'tandem_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expect.poll(() => page.locator('section[data-sync="contacts"]').textContent()).toContain('1 conflicts');
    await shot('02-overview');
  });

  it('pauses a sync from the overview: the control and its pause file say paused', async () => {
    const card = page.locator('section[data-sync="contacts"]');
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => card.locator('[data-state]').textContent()).toBe('paused');
    expect(control.isPaused('contacts')).toBe(true);
    expect(fs.readFileSync(path.join(w.app.config.dataDir, 'paused.json'), 'utf8')).toContain('contacts');
    await shot('03-paused');
  });

  it('resolves a conflict with the CRM value: closed in the store, the write queued', async () => {
    await page.goto(`${url}/#/conflicts/${ids.conflict}`);
    await expect.poll(() => page.locator('[data-value="crm"]').textContent()).toBe('Lyon');
    expect(await page.locator('[data-value="base"]').textContent()).toBe('Nice');
    await shot('04-conflict');
    await page.getByRole('button', { name: 'Take CRM' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('resolved');
    const row = await w.app.store.conflict(ids.conflict);
    expect(row?.status).toBe('resolved');
    expect(JSON.parse(row?.resolution ?? 'null')).toEqual({ take: 'crm' });
    expect((await w.app.store.outboxCounts('contacts')).pending).toBeGreaterThan(0);
  });

  it('retries a dead letter: its error in words, the letter gone, its operation pending again', async () => {
    await page.goto(`${url}/#/dead-letters/${ids.letter}`);
    await expect.poll(() => page.locator('.error-text').textContent()).toContain('Invalid field function: too long');
    await shot('05-dead-letter');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('back in the outbox');
    expect(await w.app.store.deadLetter(ids.letter)).toBeUndefined();
    expect((await w.app.store.outboxStatuses([ids.letterKey])).get(ids.letterKey)).toBe('pending');
  });

  it('links an ambiguous match to the chosen candidate: the store holds the link', async () => {
    await page.goto(`${url}/#/matches`);
    await page.locator(`tr[data-match="crm:${ids.contact}"]`).getByRole('link', { name: 'compare' }).click();
    const candidate = page.locator(`.candidate[data-candidate="${ids.chosen}"]`);
    await expect.poll(() => candidate.textContent()).toContain('Ann Twin');
    await shot('06-ambiguous-match');
    await candidate.getByRole('button', { name: 'Link this one' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Linked');
    expect(await w.erpIdOf(ids.contact)).toBe(ids.chosen);
    expect((await w.app.store.ambiguousMatches('contacts')).some((m) => m.recordId === ids.contact)).toBe(false);
    await shot('07-linked');
  });

  it('opened no other origin and logged no error', () => {
    expect(problems).toEqual([]);
  });
});
