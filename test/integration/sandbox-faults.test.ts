import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpsertOperation } from '../../connectors/types.js';
import { TransportError } from '../../src/errors.js';
import { createTransport } from '../../src/http/transport.js';
import { silentLogger } from '../../src/logger.js';
import type { FaultOptions } from '../../src/sandbox/faults.js';
import { startHubspotSandbox } from '../../src/sandbox/hubspot/index.js';
import { seedWorld } from '../../src/sandbox/seed.js';
import type { RunningServer } from '../../src/sandbox/types.js';
import { removeDir, startSandbox as startOdoo, type Sandbox } from './odoo/helpers.js';
import { tempDir } from '../helpers/tmp.js';

const transport = createTransport({ logger: silentLogger(), timeoutMs: 300, retry: { limit: 0 } });
const world = seedWorld({ contacts: 20, companies: 5 });

const create = (ref: string): UpsertOperation => ({
  action: 'upsert',
  key: ref,
  targetId: null,
  ref: { field: 'ref', value: ref },
  fields: { name: `Partner ${ref}`, ref },
});

describe('sandbox transport faults', () => {
  let odoo: Sandbox | undefined;
  let hubspot: RunningServer | undefined;
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await odoo?.close();
    if (odoo !== undefined) await removeDir(odoo.dir);
    await hubspot?.close();
    odoo = undefined;
    hubspot = undefined;
    dirs.splice(0).forEach((cleanup) => cleanup());
  });

  const hubspotWith = async (faults: FaultOptions): Promise<RunningServer> => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    return startHubspotSandbox({ dataDir: dir, port: 0, world, faults, secret: 't', logger: silentLogger() });
  };
  const get = (server: RunningServer) =>
    transport.request({
      method: 'GET',
      url: `${server.url}/crm/v3/objects/contacts?limit=1`,
      headers: { authorization: 'Bearer t' },
    });

  it('resets the connection before handling the request', async () => {
    hubspot = await hubspotWith({ resetRate: 1 });
    const error = await get(hubspot).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).details['cause']).toMatch(/ECONNRESET|ERR_STREAM_PREMATURE_CLOSE/);
  });

  it('hangs past the client timeout', async () => {
    hubspot = await hubspotWith({ timeoutRate: 1, hangMs: 1000 });
    const error = await get(hubspot).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).details['cause']).toBe('ETIMEDOUT');
  });

  it('Odoo: applies a create, then loses its response; the retry finds it by reference and creates nothing', async () => {
    odoo = await startOdoo({ faults: { lostResponseRate: 1 } });
    await expect(odoo.connector().writer.writeBatch('res.partner', [create('LOST-1')])).resolves.toMatchObject([
      { ok: false, error: { retryable: true } },
    ]);
    const dir = odoo.dir;
    await odoo.close();
    odoo = await startOdoo({ dir });
    const found = await odoo.connector().lookup.findBy('res.partner', 'ref', ['LOST-1']);
    expect(found).toHaveLength(1);
    const [retry] = await odoo.connector().writer.writeBatch('res.partner', [create('LOST-1')]);
    expect(retry).toMatchObject({ ok: true, created: false, id: found[0]?.id });
    expect(await odoo.connector().lookup.findBy('res.partner', 'ref', ['LOST-1'])).toHaveLength(1);
  });

  it('HubSpot: applies an upsert, then loses its response', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const options = { dataDir: dir, port: 0, world, secret: 't', logger: silentLogger() };
    hubspot = await startHubspotSandbox({ ...options, faults: { lostResponseRate: 1 } });
    const body = {
      inputs: [
        { idProperty: 'email', id: 'lost@example.com', properties: { email: 'lost@example.com', firstname: 'Lost' } },
      ],
    };
    const error = await transport
      .request({
        method: 'POST',
        url: `${hubspot.url}/crm/v3/objects/contacts/batch/upsert`,
        headers: { authorization: 'Bearer t' },
        json: body,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    await hubspot.close();
    hubspot = await startHubspotSandbox(options);
    const read = await transport.request({
      method: 'GET',
      url: `${hubspot.url}/crm/v3/objects/contacts/lost@example.com?idProperty=email&properties=firstname`,
      headers: { authorization: 'Bearer t' },
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ properties: { firstname: 'Lost' } });
    expect(fs.existsSync(dir)).toBe(true);
  });
});
