import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WriteOperation } from '../../../connectors/types.js';
import { BASE, connector } from './fixtures.js';

const PROPS = {
  results: [
    { name: 'tandem_ref', label: 'Ref', type: 'string', hasUniqueValue: true },
    { name: 'email', label: 'Email', type: 'string', hasUniqueValue: false },
  ],
};
const at = '2024-05-01T10:00:00.000Z';
const obj = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  properties: {},
  createdAt: at,
  updatedAt: at,
  archived: false,
  ...extra,
});
const upsert = (key: string, ref: string, fields: Record<string, unknown> = { firstname: key }): WriteOperation => ({
  action: 'upsert',
  key,
  targetId: null,
  ref: { field: 'tandem_ref', value: ref },
  fields,
});
const update = (key: string, id: string): WriteOperation => ({
  action: 'upsert',
  key,
  targetId: id,
  ref: { field: 'tandem_ref', value: `R-${id}` },
  fields: { city: 'Lyon', phone: null },
});

interface UpsertBody {
  inputs: { id: string; idProperty?: string; objectWriteTraceId?: string; properties: Record<string, string> }[];
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('HubSpot writer (nock)', () => {
  it('maps 207 results and errors back to their operations by objectWriteTraceId', async () => {
    let sent: UpsertBody | undefined;
    const scope = nock(BASE)
      .get('/crm/v3/properties/contacts')
      .reply(200, PROPS)
      .post('/crm/v3/objects/contacts/batch/upsert', (b: UpsertBody) => ((sent = b), true))
      .reply(207, {
        status: 'COMPLETE',
        // Results and errors come back in any order.
        results: [
          obj('502', { new: false, objectWriteTraceId: '2' }),
          obj('501', { new: true, objectWriteTraceId: '0' }),
        ],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'Property values were not valid: INVALID_EMAIL',
            context: { objectWriteTraceId: ['1'] },
          },
        ],
      });
    const results = await connector().writer.writeBatch('contacts', [
      upsert('a', 'R-1'),
      upsert('b', 'R-2', { email: 'bad' }),
      upsert('c', 'R-3'),
    ]);
    scope.done();
    expect(sent?.inputs).toEqual([
      { id: 'R-1', idProperty: 'tandem_ref', objectWriteTraceId: '0', properties: { firstname: 'a' } },
      { id: 'R-2', idProperty: 'tandem_ref', objectWriteTraceId: '1', properties: { email: 'bad' } },
      { id: 'R-3', idProperty: 'tandem_ref', objectWriteTraceId: '2', properties: { firstname: 'c' } },
    ]);
    expect(results).toEqual([
      { key: 'a', ok: true, id: '501', created: true },
      {
        key: 'b',
        ok: false,
        error: expect.objectContaining({
          code: 'VALIDATION_ERROR',
          retryable: false,
          vendor: expect.objectContaining({ status: 207 }),
        }),
      },
      { key: 'c', ok: true, id: '502', created: false },
    ]);
  });

  it('a transient per-input error (RATE_LIMITS, INTERNAL_ERROR) is retryable; a permanent one is not', async () => {
    const error = (category: string, trace: string): Record<string, unknown> => ({
      status: 'error',
      category,
      message: `${category} for input ${trace}`,
      context: { objectWriteTraceId: [trace], ids: [`R-${trace}`] },
      errors: [],
      links: {},
    });
    const scope = nock(BASE)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(207, {
        status: 'COMPLETE',
        results: [obj('10', { objectWriteTraceId: '5' })],
        numErrors: 5,
        // The order of errors says nothing: each carries its input's objectWriteTraceId.
        errors: [
          error('CONFLICT', '3'),
          error('RATE_LIMITS', '0'),
          error('MISSING_SCOPES', '4'),
          error('INTERNAL_ERROR', '1'),
          error('SOMETHING_NEW', '2'),
        ],
      });
    const ops = ['1', '2', '3', '4', '5', '10'].map((id, i) => update(`u${i}`, id));
    const results = await connector().writer.writeBatch('contacts', ops);
    scope.done();
    expect(results.map((r) => (r.ok ? [r.key, 'ok', r.id] : [r.key, r.error.code, r.error.retryable]))).toEqual([
      ['u0', 'RATE_LIMITS', true],
      ['u1', 'INTERNAL_ERROR', true],
      ['u2', 'SOMETHING_NEW', false],
      ['u3', 'CONFLICT', false],
      ['u4', 'MISSING_SCOPES', false],
      ['u5', 'ok', '10'],
    ]);
  });

  it('without trace ids, matches update errors by context.ids and re-sends what stays unexplained one by one', async () => {
    const scope = nock(BASE)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(207, {
        status: 'COMPLETE',
        results: [obj('1')],
        errors: [
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'gone', context: { ids: ['2'] } },
          { status: 'error', category: 'VALIDATION_ERROR', message: 'something about one input' },
        ],
      })
      .post(
        '/crm/v3/objects/contacts/batch/update',
        (b: UpsertBody) => b.inputs.length === 1 && b.inputs[0]?.id === '3',
      )
      .reply(200, { status: 'COMPLETE', results: [obj('3')] });
    const results = await connector().writer.writeBatch('contacts', [
      update('u1', '1'),
      update('u2', '2'),
      update('u3', '3'),
    ]);
    scope.done();
    expect(results).toEqual([
      { key: 'u1', ok: true, id: '1', created: false },
      { key: 'u2', ok: false, error: expect.objectContaining({ code: 'NOT_FOUND', retryable: false }) },
      { key: 'u3', ok: true, id: '3', created: false },
    ]);
  });

  it('turns a whole-batch 429 into retryable failures for every operation, with the vendor status and body', async () => {
    const scope = nock(BASE).post('/crm/v3/objects/contacts/batch/update').reply(429, {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    const results = await connector().writer.writeBatch('contacts', [update('u1', '1'), update('u2', '2')]);
    scope.done();
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'RATE_LIMITED',
          retryable: true,
          vendor: { status: 429, body: expect.stringContaining('TEN_SECONDLY_ROLLING') },
        },
      });
    }
  });

  it('turns a 503 into retryable failures and a network reset into retryable TRANSPORT_ERROR failures', async () => {
    const scope = nock(BASE)
      .post('/crm/v3/objects/contacts/batch/archive')
      .reply(503, { status: 'error', category: 'INTERNAL_ERROR', message: 'Service Unavailable' })
      .post('/crm/v3/objects/contacts/batch/archive')
      .replyWithError('socket hang up');
    const crm = connector();
    const [down] = await crm.writer.writeBatch('contacts', [{ action: 'archive', key: 'x', targetId: '9' }]);
    const [reset] = await crm.writer.writeBatch('contacts', [{ action: 'archive', key: 'y', targetId: '9' }]);
    scope.done();
    expect(down).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL_ERROR', retryable: true, vendor: { status: 503 } },
    });
    expect(reset).toMatchObject({ ok: false, error: { code: 'TRANSPORT_ERROR', retryable: true } });
  });

  it('a 400 on a single operation is a permanent failure; archive answers 204 for success', async () => {
    const scope = nock(BASE)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: 'Property values were not valid',
        correlationId: 'c',
      })
      .post('/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: '4' }, { id: '5' }] })
      .reply(204);
    const crm = connector();
    const [bad] = await crm.writer.writeBatch('contacts', [update('u', '1')]);
    const archived = await crm.writer.writeBatch('contacts', [
      { action: 'archive', key: 'a4', targetId: '4' },
      { action: 'archive', key: 'a5', targetId: '5' },
    ]);
    scope.done();
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', retryable: false, vendor: { status: 400 } },
    });
    expect(archived).toEqual([
      { key: 'a4', ok: true, id: '4', created: false },
      { key: 'a5', ok: true, id: '5', created: false },
    ]);
  });

  it('never sends one reference twice in a batch: a repeat goes to the next request', async () => {
    const sizes: number[] = [];
    const scope = nock(BASE)
      .get('/crm/v3/properties/contacts')
      .reply(200, PROPS)
      .post('/crm/v3/objects/contacts/batch/upsert', (b: UpsertBody) => (sizes.push(b.inputs.length), true))
      .twice()
      .reply(200, (_uri, raw) => ({
        status: 'COMPLETE',
        results: (raw as UpsertBody).inputs.map((input, i) =>
          obj(String(100 + i), { new: true, objectWriteTraceId: input.objectWriteTraceId }),
        ),
      }));
    const results = await connector().writer.writeBatch('contacts', [
      upsert('a', 'R-1'),
      upsert('b', 'R-1'),
      upsert('c', 'R-2'),
    ]);
    scope.done();
    expect(sizes).toEqual([2, 1]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
  });
});
