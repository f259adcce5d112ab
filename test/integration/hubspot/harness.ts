/** Starts the HubSpot sandbox in a temp folder and builds the real connector against it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import type { ChangePage, Connector, Cursor } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { type HubspotSandboxTuning, startHubspotSandbox } from '../../../sandbox/hubspot/index.js';
import { type SeedWorld, seedWorld } from '../../../sandbox/seed.js';
import type { FaultOptions } from '../../../sandbox/faults.js';
import type { RunningServer } from '../../../sandbox/types.js';

export const TOKEN = 'test-hubspot-token';
export const WORLD: SeedWorld = seedWorld({ contacts: 300, companies: 40 });
/** Generous limits so tests that are not about rate limiting are never throttled. */
export const UNTHROTTLED: HubspotSandboxTuning = { rateLimit: { max: 100_000, searchPerSecond: 100_000 } };

export async function tempDir(): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), 'tandem-hubspot-'));
}

export async function startSandbox(
  dir: string,
  tuning: HubspotSandboxTuning = UNTHROTTLED,
  faults?: FaultOptions,
): Promise<RunningServer> {
  const options = { dataDir: dir, port: 0, world: WORLD, secret: TOKEN, logger: silentLogger() };
  return startHubspotSandbox(faults === undefined ? options : { ...options, faults }, tuning);
}

/**
 * For a describe block: a function that starts a sandbox in its own temp folder; each one is
 * closed and its folder removed after the test that started it.
 */
export function sandboxPerTest(): (faults?: FaultOptions) => Promise<RunningServer> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (faults) => {
    const dir = await tempDir();
    const server = await startSandbox(dir, UNTHROTTLED, faults);
    cleanups.push(async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return server;
  };
}

export function connectorFor(url: string, token: () => string = () => TOKEN): Connector {
  const config = hubspotConnector.configSchema.parse({ baseUrl: url, pageSize: 50 });
  return hubspotConnector.create('crm', config, {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: () => token(),
  });
}

export async function readAll(
  connector: Connector,
  object: string,
  cursor: Cursor | null,
  pageSize = 50,
): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of connector.reader.readChanges(object, { cursor, fields: ['email', 'firstname'], pageSize }))
    pages.push(page);
  return pages;
}

/** Sends a raw request to the sandbox, as HubSpot's API would be called. */
export async function api(
  url: string,
  method: string,
  route: string,
  body?: unknown,
  token = TOKEN,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}
