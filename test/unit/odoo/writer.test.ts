import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WriteOperation } from '../../../connectors/types.js';
import { BASE, envelope, expectAuth, expectExecute, makeConnector, odooError } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const upsert = (
  key: string,
  ref: string,
  fields: Record<string, unknown>,
  targetId: string | null = null,
): WriteOperation => ({
  action: 'upsert',
  key,
  targetId,
  ref: { field: 'ref', value: ref },
  fields,
});

/** The operation as the engine sends a create whose reference it found absent this run. */
const absent = (op: WriteOperation): WriteOperation => (op.action === 'upsert' ? { ...op, refAbsent: true } : op);

describe('odoo writer', () => {
  it('creates only what the reference lookup did not find, in one create call', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [{ id: 41, ref: 'HS-1' }],
      (call) =>
        JSON.stringify(call.args) === JSON.stringify([[['ref', 'in', ['HS-1', 'HS-2', 'HS-3']]]]) &&
        (call.kwargs['context'] as { active_test?: boolean }).active_test === false,
    );
    expectExecute(
      scope,
      'res.partner',
      'create',
      () => [50, 51],
      (call) =>
        JSON.stringify(call.args) ===
        JSON.stringify([
          [
            { name: 'B', ref: 'HS-2' },
            { name: 'C', ref: 'HS-3' },
          ],
        ]),
    );
    expectExecute(
      scope,
      'res.partner',
      'write',
      () => true,
      (call) => JSON.stringify(call.args) === JSON.stringify([[41], { name: 'A' }]),
    );
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { name: 'A' }),
      upsert('k2', 'HS-2', { name: 'B' }),
      upsert('k3', 'HS-3', { name: 'C' }),
    ]);
    scope.done();
    expect(results).toEqual([
      { key: 'k1', ok: true, id: '41', created: false },
      { key: 'k2', ok: true, id: '50', created: true },
      { key: 'k3', ok: true, id: '51', created: true },
    ]);
  });

  it('skips its own reference lookup when the engine found every reference absent this run (refAbsent)', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'create',
      () => [60, 61],
      (call) =>
        JSON.stringify(call.args) ===
        JSON.stringify([
          [
            { name: 'B', ref: 'HS-2' },
            { name: 'C', ref: 'HS-3' },
          ],
        ]),
    );
    const results = await makeConnector().writer.writeBatch('res.partner', [
      absent(upsert('k2', 'HS-2', { name: 'B' })),
      absent(upsert('k3', 'HS-3', { name: 'C' })),
    ]);
    scope.done();
    expect(results).toEqual([
      { key: 'k2', ok: true, id: '60', created: true },
      { key: 'k3', ok: true, id: '61', created: true },
    ]);
  });

  it('looks references up when any upsert of the field lacks refAbsent (a retry among first attempts)', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [{ id: 41, ref: 'HS-1' }],
      (call) => JSON.stringify(call.args) === JSON.stringify([[['ref', 'in', ['HS-1', 'HS-2']]]]),
    );
    expectExecute(scope, 'res.partner', 'create', () => [62]);
    expectExecute(scope, 'res.partner', 'write', () => true);
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { name: 'A' }),
      absent(upsert('k2', 'HS-2', { name: 'B' })),
    ]);
    scope.done();
    expect(results).toEqual([
      { key: 'k1', ok: true, id: '41', created: false },
      { key: 'k2', ok: true, id: '62', created: true },
    ]);
  });

  it('writes directly to a known target id without a lookup, and archives with active = false', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'write',
      () => true,
      (call) => JSON.stringify(call.args) === JSON.stringify([[7], { email: 'x@y.test' }]),
    );
    expectExecute(
      scope,
      'res.partner',
      'write',
      () => true,
      (call) => JSON.stringify(call.args) === JSON.stringify([[8, 9], { active: false }]),
    );
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { email: 'x@y.test' }, '7'),
      { action: 'archive', key: 'k2', targetId: '8' },
      { action: 'archive', key: 'k3', targetId: '9' },
    ]);
    scope.done();
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
  });

  it('isolates a bad record: a failed create list is replayed one record at a time', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', () => []);
    expectExecute(
      scope,
      'res.partner',
      'create',
      (_call, body) =>
        envelope(odooError(body, 'builtins.ValueError', "Invalid field 'shoe_size' on model 'res.partner'")),
      (call) => (call.args[0] as unknown[]).length === 3,
    );
    expectExecute(
      scope,
      'res.partner',
      'create',
      () => [60],
      (call) => JSON.stringify(call.args[0]) === JSON.stringify([{ name: 'A', ref: 'HS-1' }]),
    );
    expectExecute(
      scope,
      'res.partner',
      'create',
      (_call, body) =>
        envelope(odooError(body, 'builtins.ValueError', "Invalid field 'shoe_size' on model 'res.partner'")),
      (call) => JSON.stringify(call.args[0]) === JSON.stringify([{ name: 'B', shoe_size: 44, ref: 'HS-2' }]),
    );
    expectExecute(
      scope,
      'res.partner',
      'create',
      () => [61],
      (call) => JSON.stringify(call.args[0]) === JSON.stringify([{ name: 'C', ref: 'HS-3' }]),
    );
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { name: 'A' }),
      upsert('k2', 'HS-2', { name: 'B', shoe_size: 44 }),
      upsert('k3', 'HS-3', { name: 'C' }),
    ]);
    scope.done();
    expect(results[0]).toEqual({ key: 'k1', ok: true, id: '60', created: true });
    expect(results[1]).toMatchObject({
      key: 'k2',
      ok: false,
      error: { code: 'builtins.ValueError', retryable: false, vendor: { status: 200 } },
    });
    expect(results[2]).toEqual({ key: 'k3', ok: true, id: '61', created: true });
  });

  it('reports a write to a deleted id as a permanent NOT_FOUND and carries on', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'write',
      (_call, body) =>
        envelope(
          odooError(
            body,
            'odoo.exceptions.MissingError',
            'One of the documents you are trying to access has been deleted',
          ),
        ),
      (call) => JSON.stringify(call.args[0]) === '[404]',
    );
    expectExecute(
      scope,
      'res.partner',
      'write',
      () => true,
      (call) => JSON.stringify(call.args[0]) === '[5]',
    );
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { name: 'A' }, '404'),
      upsert('k2', 'HS-2', { name: 'B' }, '5'),
    ]);
    scope.done();
    expect(results[0]).toMatchObject({ key: 'k1', ok: false, error: { code: 'NOT_FOUND', retryable: false } });
    expect(results[1]).toMatchObject({ key: 'k2', ok: true, id: '5' });
  });

  it('fails the operations of a call that hit a 5xx as retryable, without replaying them', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', () => []);
    scope.post('/jsonrpc').reply(503, 'Service Unavailable');
    expectExecute(scope, 'res.partner', 'write', () => true);
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { name: 'A' }),
      upsert('k2', 'HS-2', { name: 'B' }),
      upsert('k3', 'HS-3', { name: 'C' }, '9'),
    ]);
    scope.done();
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code}:${r.error.retryable}`))).toEqual([
      'VENDOR_UNAVAILABLE:true',
      'VENDOR_UNAVAILABLE:true',
      'ok',
    ]);
  });

  it('creates a reference once when it appears twice in one batch, then writes the second', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', () => []);
    expectExecute(
      scope,
      'res.partner',
      'create',
      () => [70],
      (call) => (call.args[0] as unknown[]).length === 1,
    );
    expectExecute(
      scope,
      'res.partner',
      'write',
      () => true,
      (call) => JSON.stringify(call.args) === JSON.stringify([[70], { name: 'A2' }]),
    );
    const results = await makeConnector().writer.writeBatch('res.partner', [
      upsert('k1', 'HS-1', { name: 'A1' }),
      upsert('k2', 'HS-1', { name: 'A2' }),
    ]);
    scope.done();
    expect(results).toEqual([
      { key: 'k1', ok: true, id: '70', created: true },
      { key: 'k2', ok: true, id: '70', created: false },
    ]);
  });

  it('stops the batch on bad credentials instead of failing each record', async () => {
    const scope = expectAuth(nock(BASE), 'key-1', false);
    await expect(
      makeConnector().writer.writeBatch('res.partner', [upsert('k1', 'HS-1', { name: 'A' }, '3')]),
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    scope.done();
  });
});
