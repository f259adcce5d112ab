/**
 * The quote-to-cash trigger's stage ids checked against the sandboxes' field lists, as `tandem
 * validate` and the pre-run live check do: HubSpot's `dealstage` options (every pipeline's stage
 * ids) and Odoo's `sale.order.state` selection. A misspelt stage would otherwise match no deal, ever.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDescription } from '../../connectors/types.js';
import { DEAL_STAGE_IDS } from '../../sandbox/hubspot/pipelines.js';
import type { RunningServer } from '../../sandbox/types.js';
import { loadMapping } from '../../src/mapping/load.js';
import { connectorFor, startSandbox as startHubspot, tempDir } from './hubspot/harness.js';
import { removeDir, startSandbox as startOdoo, type Sandbox } from './odoo/helpers.js';

const DEALS = fs.readFileSync('mappings/hubspot-deals-to-odoo-orders.yaml', 'utf8');

let hubspot: RunningServer;
let hubspotDir: string;
let odoo: Sandbox;
let crmFields: readonly FieldDescription[];
let erpFields: readonly FieldDescription[];
let dir: string;

beforeAll(async () => {
  hubspotDir = await tempDir();
  hubspot = await startHubspot(hubspotDir);
  odoo = await startOdoo();
  crmFields = (await connectorFor(hubspot.url).schema.describe('deals')).fields;
  erpFields = (await odoo.connector().schema.describe('sale.order')).fields;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-stages-'));
});

afterAll(async () => {
  await hubspot.close();
  await odoo.close();
  await removeDir(odoo.dir);
  fs.rmSync(hubspotDir, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

const load = (text: string) => {
  const file = path.join(dir, 'hubspot-deals-to-odoo-orders.yaml');
  fs.writeFileSync(file, text);
  return () => loadMapping(file, { crmFields, erpFields });
};

describe('condition values against the live field lists', () => {
  it('describes dealstage with every pipeline stage id, and sale.order.state with its selection', () => {
    expect(crmFields.find((f) => f.name === 'dealstage')?.options).toEqual(DEAL_STAGE_IDS);
    // An enumeration with no fixed list (merged ids) has no options, so any value passes.
    expect(crmFields.find((f) => f.name === 'hs_merged_object_ids')).toMatchObject({ type: 'enumeration' });
    expect(crmFields.find((f) => f.name === 'hs_merged_object_ids')?.options).toBeUndefined();
    expect(erpFields.find((f) => f.name === 'state')?.options).toEqual(
      expect.arrayContaining(['draft', 'sale', 'cancel']),
    );
  });

  it('loads the shipped deals mapping', () => {
    expect(load(DEALS)).not.toThrow();
  });

  it('refuses a misspelt closedwon trigger, naming the line, the value and the stage ids', () => {
    const text = DEALS.replace('in: { dealstage: [closedwon] }', 'in: { dealstage: [closedwonn] }');
    const line = text.split('\n').findIndex((l) => l.includes('closedwonn')) + 1;
    expect(load(text)).toThrow(
      new RegExp(
        `:${line}:\\d+: filter\\.crm\\.in\\.dealstage\\[0\\]: "closedwonn" is not one of the field's options.*did you mean "closedwon"\\?.*options: .*closedwon, closedlost`,
      ),
    );
  });

  it('refuses an Odoo state that is not in the selection, in locked', () => {
    const text = DEALS.replace('state: [sale, cancel]', 'state: [sale, canceled]');
    expect(load(text)).toThrow(/locked\.erp\.in\.state\[1\]: "canceled" is not one of the field's options/);
  });
});
