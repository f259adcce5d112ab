/**
 * Drift reports against the sandbox: known disagreements of every category are seeded into both
 * systems and the state store, and the report must list exactly those, in every format; the JSON
 * validates against the published JSON Schema. Then a dry-run repair plans without writing, a
 * repair fixes what policy can, and a new report shows no drift in the repairable categories.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrift, type DriftOutcome } from '../../src/drift/drift.js';
import {
  CATEGORY_LABELS,
  REPAIRABLE,
  type DriftCategory,
  type DriftReport,
  type DriftRow,
} from '../../src/drift/report-schema.js';
import type { RunContext } from '../../src/pipeline/context.js';
import { linksAfter } from '../../state/links.js';
import { tempDir } from '../helpers/tmp.js';
import { world, tick, type World } from '../scenarios/harness.js';
import { dbOf } from '../helpers/store-db.js';

const schema = JSON.parse(fs.readFileSync('schemas/drift-report.schema.json', 'utf8')) as object;

interface Seeded {
  mismatchErp: { crm: string; erp: string };
  mismatchCrm: { crm: string; erp: string };
  archivedErp: { crm: string; erp: string };
  archivedCrm: { crm: string; erp: string };
  hardDeleted: { crm: string; erp: string };
  filtered: { crm: string; erp: string };
  conflict: { crm: string; erp: string };
  deadLetter: { crm: string; erp: string };
  pairCrm: string;
  pairErp: string;
  lonelyCrm: string;
  lonelyErp: string;
  twinErp: string;
  refCrm: string;
  refErps: string[];
}

describe('drift report of the sandbox', () => {
  let w: World;
  let out: { dir: string; cleanup: () => void };
  let seeded: Seeded;
  let first: DriftOutcome;
  let report: DriftReport;
  const ctx = (): RunContext => ({
    sync: w.contacts,
    store: w.app.store,
    logger: w.app.logger,
    signal: new AbortController().signal,
  });
  const drift = (repair = false, dryRun = false) =>
    runDrift(ctx(), {
      formats: ['html', 'md', 'json', 'csv'],
      outDir: out.dir,
      scratchDir: path.join(out.dir, 'scratch'),
      repair,
      dryRun,
    });
  const rowsOf = (r: DriftReport, category: string): DriftRow[] => r.rows.filter((row) => row.category === category);
  const pairs = (rows: DriftRow[]) => rows.map((r) => `${r.crmId ?? '-'}/${r.erpId ?? '-'}`).sort();

  beforeAll(async () => {
    out = tempDir('tandem-drift-');
    w = await world({
      contacts: 40,
      // One field a person must decide, so a conflict can be seeded through the real pipeline.
      mappingEdit: (yaml) =>
        yaml.replace('{ erp: function, crm: jobtitle }', '{ erp: function, crm: jobtitle, owner: manual }'),
      // Stale at once: any time since the last successful run is longer than 1 ms.
      configEdit: (yaml) => yaml.replace(/(\n {2}contacts:\n)/, '$1    staleAfterMs: 1\n'),
    });
    await w.runBoth();
    await w.runBoth();
    const links = await linksAfter(dbOf(w.app.store), 'contacts', '', 1000);
    const take = () => {
      const link = links.shift();
      if (link === undefined) throw new Error('not enough linked contacts');
      return { crm: link.crm_id, erp: link.erp_id };
    };
    const s = {
      conflict: take(),
      deadLetter: take(),
      mismatchErp: take(),
      mismatchCrm: take(),
      archivedErp: take(),
      archivedCrm: take(),
      hardDeleted: take(),
      filtered: take(),
      twinOf: take(),
    };
    // Through a run: a conflict (both sides changed a manual field) and a dead letter (no name left).
    await tick();
    await w.editCrm(s.conflict.crm, { jobtitle: 'Head of CRM' });
    await w.editErp(s.conflict.erp, { function: 'Head of ERP' });
    await w.editCrm(s.deadLetter.crm, { firstname: '', lastname: '' });
    await w.run('contacts');
    // Behind the sync's back: nothing runs between these and the scan.
    await tick();
    await w.editErp(s.mismatchErp.erp, { city: 'Drift City' });
    await w.editCrm(s.mismatchCrm.crm, { zip: '99999' });
    await w.archiveErp(s.archivedErp.erp);
    await w.deleteErp(s.hardDeleted.erp);
    await w.archiveCrm(s.archivedCrm.crm);
    await w.editCrm(s.filtered.crm, { email: '' });
    const pairCrm = await w.createCrm({ email: 'pair@drift.example', firstname: 'Pat', lastname: 'Pair' });
    const pairErp = await w.createErp({ name: 'Pat Pair', email: 'pair@drift.example' });
    const lonelyCrm = await w.createCrm({ email: 'lonely@drift.example', firstname: 'Lou', lastname: 'Crm' });
    const lonelyErp = await w.createErp({ name: 'Lou Erp', email: 'lonely-erp@drift.example' });
    // A second partner with the email of a linked contact: creating it in the CRM would be a duplicate.
    const twinEmail = String((await w.crm(s.twinOf.crm))?.fields['email'] ?? '');
    const twinErp = await w.createErp({ name: 'Twin Partner', email: twinEmail });
    // Two partners carrying the reference of one new contact: nothing can be paired by it.
    const refCrm = await w.createCrm({ email: 'refdup@drift.example', firstname: 'Ref', lastname: 'Dup' });
    const refErps = [
      await w.createErp({ name: 'Ref One', ref: `HS-${refCrm}` }),
      await w.createErp({ name: 'Ref Two', ref: `HS-${refCrm}` }),
    ];
    seeded = { ...s, pairCrm, pairErp, lonelyCrm, lonelyErp, twinErp, refCrm, refErps };
    first = await drift();
    report = JSON.parse(fs.readFileSync(first.files.json ?? '', 'utf8')) as DriftReport;
  }, 120_000);

  afterAll(async () => {
    await w?.close();
    out?.cleanup();
  });

  it('the JSON report validates against schemas/drift-report.schema.json', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(report.rows.length).toBeGreaterThan(0);
  });

  it('lists exactly the seeded field mismatches, each with the side policy says wins', () => {
    const rows = rowsOf(report, 'field_mismatch');
    expect(pairs(rows)).toEqual(
      pairs([
        { crmId: seeded.mismatchErp.crm, erpId: seeded.mismatchErp.erp },
        { crmId: seeded.mismatchCrm.crm, erpId: seeded.mismatchCrm.erp },
      ] as DriftRow[]),
    );
    const erpSide = rows.find((r) => r.crmId === seeded.mismatchErp.crm);
    expect(erpSide?.fields).toEqual([
      expect.objectContaining({
        field: 'city',
        erp: 'Drift City',
        winner: 'erp',
        action: 'write the erp value to crm',
      }),
    ]);
    const crmSide = rows.find((r) => r.crmId === seeded.mismatchCrm.crm);
    expect(crmSide?.fields).toEqual([expect.objectContaining({ field: 'zip', crm: '99999', winner: 'crm' })]);
    expect(crmSide?.fields[0]?.base).not.toBe('99999');
  });

  it('lists exactly the seeded deletes on one side, unlinked pairs, lone records and refused records', () => {
    expect(pairs(rowsOf(report, 'deleted_one_side'))).toEqual(
      pairs([
        { crmId: seeded.archivedErp.crm, erpId: seeded.archivedErp.erp },
        { crmId: seeded.archivedCrm.crm, erpId: seeded.archivedCrm.erp },
        { crmId: seeded.hardDeleted.crm, erpId: seeded.hardDeleted.erp },
      ] as DriftRow[]),
    );
    const detail = (erpId: string) => rowsOf(report, 'deleted_one_side').find((r) => r.erpId === erpId)?.detail;
    expect(detail(seeded.archivedErp.erp)).toContain('the erp record is archived');
    expect(detail(seeded.hardDeleted.erp)).toContain('the erp record is not found');
    expect(pairs(rowsOf(report, 'unlinked_match'))).toEqual([`${seeded.pairCrm}/${seeded.pairErp}`]);
    expect(pairs(rowsOf(report, 'missing_counterpart'))).toEqual(
      [`${seeded.lonelyCrm}/-`, `-/${seeded.lonelyErp}`].sort(),
    );
    // The contact without an email left the filter; the one without a name cannot be mapped.
    expect(pairs(rowsOf(report, 'unmappable'))).toEqual(
      pairs([
        { crmId: seeded.filtered.crm, erpId: seeded.filtered.erp },
        { crmId: seeded.deadLetter.crm, erpId: seeded.deadLetter.erp },
      ] as DriftRow[]),
    );
  });

  it('lists the duplicate emails of the ERP, the open conflict, the dead letter and the stale sync', async () => {
    const partners: { email: unknown }[] = [];
    for await (const page of w.contacts.erp.reader.readChanges('res.partner', {
      cursor: null,
      fields: ['email', 'is_company'],
    }))
      for (const r of page.records)
        if (!r.deleted && r.fields['is_company'] !== true) partners.push({ email: r.fields['email'] });
    const counts = new Map<string, number>();
    for (const p of partners)
      if (typeof p.email === 'string' && p.email.trim() !== '') {
        const key = p.email.trim().toLowerCase();
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([email]) => email);
    expect(duplicated.length).toBeGreaterThan(0);
    const perValue = rowsOf(report, 'duplicate_key').filter((r) => r.crmId === null && r.erpId === null);
    expect(perValue.map((r) => r.label).sort()).toEqual(duplicated.sort());
    // The partner whose email a linked contact has: reported, not repairable, not a missing counterpart.
    const twin = rowsOf(report, 'duplicate_key').filter((r) => r.detail.includes('already linked'));
    expect(twin.map((r) => [r.erpId, r.repairable])).toEqual([[seeded.twinErp, false]]);
    expect(twin[0]?.detail).toContain('already linked to another');
    // A reference two partners carry: each record reported, none repairable, none missing.
    const byRef = rowsOf(report, 'duplicate_key').filter((r) => r.detail.startsWith('the reference'));
    expect(byRef.map((r) => `${r.crmId ?? '-'}/${r.erpId ?? '-'}`).sort()).toEqual(
      [`${seeded.refCrm}/-`, ...seeded.refErps.map((id) => `-/${id}`)].sort(),
    );
    expect(byRef.every((r) => !r.repairable)).toBe(true);

    expect(pairs(rowsOf(report, 'conflict'))).toEqual([`${seeded.conflict.crm}/${seeded.conflict.erp}`]);
    expect(rowsOf(report, 'conflict')[0]?.fields[0]).toMatchObject({
      field: 'function',
      crm: 'Head of CRM',
      erp: 'Head of ERP',
      winner: 'manual',
    });
    expect(pairs(rowsOf(report, 'dead_letter'))).toEqual([`${seeded.deadLetter.crm}/-`]);
    expect(rowsOf(report, 'stale_sync')).toHaveLength(1);
  });

  it('summarizes per category, and every format shows the same rows', () => {
    const s = report.summary;
    for (const [category, n] of Object.entries(s.categories)) expect(rowsOf(report, category)).toHaveLength(n);
    expect(s.previous).toBeNull();
    expect(s.repairable).toBe(report.rows.filter((r) => r.repairable).length);
    expect(s.agreement).toBeGreaterThan(0.5);
    expect(s.agreement).toBeLessThan(1);

    const lines = report.rows.reduce((n, r) => n + Math.max(1, r.fields.length), 0);
    const csv = fs
      .readFileSync(first.files.csv ?? '', 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe(
      'category,crm_id,erp_id,label,field,crm_value,erp_value,base_value,winner,action,detail,crm_url,erp_url,name,crm_modified,erp_modified',
    );
    expect(csv).toHaveLength(lines + 1);
    expect(csv.filter((l) => l.startsWith('field_mismatch,'))).toHaveLength(2);

    const md = fs.readFileSync(first.files.md ?? '', 'utf8');
    for (const [category, n] of Object.entries(s.categories))
      expect(md).toContain(`| ${CATEGORY_LABELS[category as DriftCategory]} | ${n} |`);
    expect(md).toContain('Drift City');

    const html = fs.readFileSync(first.files.html ?? '', 'utf8');
    expect(html).not.toMatch(/<(link|img)\b|src="http/);
    expect(html.match(/<tr data-category="(?!")[a-z_]+"><td>/g)).toHaveLength(lines);
    expect(html).toContain(`data-testid="count-field_mismatch">2<`);
  });

  it('says each record by name with both modification times, "1 field differs", and (empty) for nothing', () => {
    const row = rowsOf(report, 'field_mismatch').find((r) => r.crmId === seeded.mismatchErp.crm);
    expect(row?.detail).toBe('1 field differs: city');
    expect(row?.name).toMatch(/^\S+ \S+/);
    expect(row?.modified?.crm).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(row?.modified?.erp).toMatch(/^\d{4}-\d\d-\d\dT/);
    const csv = fs.readFileSync(first.files.csv ?? '', 'utf8');
    expect(csv).toContain('1 field differs: city');
    expect(csv).not.toContain('1 field differ:');
    const html = fs.readFileSync(first.files.html ?? '', 'utf8');
    expect(html).toContain(`<td data-testid="name">${row?.name ?? 'no name'}</td>`);
    expect(html).toContain(`modified ${row?.modified?.erp ?? 'never'}`);
    expect(html).toContain('<td>Values differ</td>');
    // The base of a pair never linked is empty: said so, not a blank cell.
    expect(html).toContain('<span class="empty">(empty)</span>');
    const md = fs.readFileSync(first.files.md ?? '', 'utf8');
    // No action is cut short (the Markdown cut every cell at 80 characters).
    for (const r of report.rows.filter((x) => x.fields.length === 0))
      expect(md).toContain(`${r.detail}: ${r.action}`.replace(/\s+/g, ' ').replaceAll('|', '\\|'));
  });

  it('links each record to its page: the sandbox serves one per record, without a token', async () => {
    const row = rowsOf(report, 'field_mismatch').find((r) => r.crmId === seeded.mismatchErp.crm);
    expect(row?.urls.crm).toBe(`${w.app.sandbox?.crm.url ?? ''}/__sandbox/view/contacts/${seeded.mismatchErp.crm}`);
    expect(row?.urls.erp).toBe(`${w.app.sandbox?.erp.url ?? ''}/__sandbox/view/res.partner/${seeded.mismatchErp.erp}`);
    const erpPage = await fetch(row?.urls.erp ?? '');
    expect(erpPage.status).toBe(200);
    expect(erpPage.headers.get('content-type')).toContain('text/html');
    expect(await erpPage.text()).toContain('Drift City');
    const crmPage = await fetch(row?.urls.crm ?? '');
    expect(crmPage.status).toBe(200);
    expect(await crmPage.text()).toContain(row?.label ?? 'no label');
    expect((await fetch(`${w.app.sandbox?.erp.url ?? ''}/__sandbox/view/res.partner/999999`)).status).toBe(404);
  });

  it('a dry-run repair plans the fixes and writes nothing', async () => {
    const before = await w.crm(seeded.mismatchErp.crm);
    const dry = await drift(true, true);
    const plan = dry.repair?.changes ?? [];
    expect(plan).toContainEqual(
      expect.objectContaining({
        side: 'crm',
        action: 'update',
        targetId: seeded.mismatchErp.crm,
        fields: [{ field: 'city', from: before?.fields['city'] ?? null, to: 'Drift City' }],
      }),
    );
    expect(plan).toContainEqual(
      expect.objectContaining({ side: 'erp', action: 'archive', targetId: seeded.archivedCrm.erp }),
    );
    expect(plan).toContainEqual(expect.objectContaining({ side: 'crm', action: 'create', targetId: null }));
    expect((await w.crm(seeded.mismatchErp.crm))?.fields['city']).toBe(before?.fields['city']);
    expect((await w.app.store.outboxCounts('contacts')).pending).toBe(0);
    expect(dry.head.summary.previous?.id).toBe(first.id);
  });

  it('after --repair, a new report shows no drift in the repairable categories', async () => {
    const repaired = await drift(true);
    expect(repaired.repair?.stats.failed).toBe(0);
    expect((await w.crm(seeded.mismatchErp.crm))?.fields['city']).toBe('Drift City');
    const after = await drift();
    for (const category of REPAIRABLE) expect(after.head.summary.categories[category]).toBe(0);
    expect(after.head.summary.categories.conflict).toBe(1);
    expect(after.head.summary.categories.dead_letter).toBe(1);
    expect(after.head.summary.previous?.categories.field_mismatch).toBe(2);
  });
});
