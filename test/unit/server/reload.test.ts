import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/logger.js';
import { SyncControl } from '../../../src/control/control.js';
import { API_VERSION } from '../../../src/server/openapi.js';
import { startServerRuntime, type ServerRuntime } from '../../../src/server/runtime.js';
import { writeStandaloneContactsMapping } from '../../helpers/config.js';
import { tempDir } from '../../helpers/tmp.js';

describe('SIGHUP and the server secrets', () => {
  let dir: string;
  let cleanup: () => void;
  let app: App;
  let runtime: ServerRuntime;
  let config: string;
  const lines: Record<string, unknown>[] = [];
  const abort = new AbortController();
  const write = (tokenFile: string): void =>
    fs.writeFileSync(
      config,
      `dataDir: ./data
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: { mapping: ${JSON.stringify(writeStandaloneContactsMapping(dir))}, crm: crm, erp: erp }
server: { port: 0, tokenSecret: { file: ${tokenFile} } }
`,
    );
  const status = async (token: string): Promise<number> =>
    (await runtime.app.inject({ method: 'GET', url: '/api/syncs', headers: { authorization: `Bearer ${token}` } }))
      .statusCode;

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    config = path.join(dir, 'config.yaml');
    fs.writeFileSync(path.join(dir, 'token'), 'first-token\n');
    write('token');
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    });
    app = await openApp(config, { logger, connect: false });
    const server = app.config.server;
    if (server === undefined) throw new Error('no server block');
    const control = new SyncControl({
      syncs: [],
      store: app.store,
      logger,
      signal: abort.signal,
      dataDir: app.config.dataDir,
      onRunFinished: () => undefined,
    });
    runtime = await startServerRuntime(app, server, control, API_VERSION);
  });
  afterEach(async () => {
    await runtime.close();
    await app.close();
    cleanup();
  });

  it('a reload naming a token file that does not exist keeps the running token (and says why)', async () => {
    expect(await status('first-token')).toBe(200);
    write('missing-token');
    runtime.reconfigure(loadConfig(config));
    expect(await status('first-token')).toBe(200);
    expect(lines.find((l) => String(l['msg']).startsWith("SIGHUP: the server's secrets do not resolve"))).toMatchObject(
      {
        problems: [
          expect.stringContaining(
            `server.tokenSecret: the secret file ${path.join(dir, 'missing-token')} does not exist`,
          ),
        ],
      },
    );

    fs.writeFileSync(path.join(dir, 'second'), 'second-token\n');
    write('second');
    runtime.reconfigure(loadConfig(config));
    expect(await status('second-token')).toBe(200);
    expect(await status('first-token')).toBe(401);
  });
});
