import { describe, expect, it } from 'vitest';
import { fromTrytonError, fromHttpStatus, toWriteFailure } from '../../../connectors/tryton/errors.js';
import { cursorInstant, keyset } from '../../../connectors/tryton/reader.js';
import { fromTryton, toTrytonDatetime, toTrytonValue } from '../../../connectors/tryton/values.js';

describe('tryton typed values', () => {
  it('decodes datetime, date, time, Decimal, timedelta and bytes tags anywhere in a result', () => {
    expect(
      fromTryton([
        {
          at: { __class__: 'datetime', year: 2024, month: 5, day: 1, hour: 9, minute: 3, second: 7, microsecond: 42 },
          on: { __class__: 'date', year: 2024, month: 12, day: 31 },
          amount: { __class__: 'Decimal', decimal: '12.50' },
          huge: { __class__: 'Decimal', decimal: '12345678901234567890.123' },
          t: { __class__: 'time', hour: 1, minute: 2, second: 3, microsecond: 0 },
          span: { __class__: 'timedelta', seconds: 90 },
          blob: { __class__: 'bytes', base64: 'aGk=\n' },
          plain: { a: [1, 'x'] },
        },
      ]),
    ).toEqual([
      {
        at: '2024-05-01T09:03:07.000042Z',
        on: '2024-12-31',
        amount: 12.5,
        huge: '12345678901234567890.123',
        t: '01:02:03.000000',
        span: 90,
        blob: 'aGk=',
        plain: { a: [1, 'x'] },
      },
    ]);
  });

  it('encodes ISO instants with their microseconds, dates and Decimals for the fields that need them', () => {
    expect(toTrytonDatetime('2024-05-01T09:03:07.000042Z')).toEqual({
      __class__: 'datetime',
      year: 2024,
      month: 5,
      day: 1,
      hour: 9,
      minute: 3,
      second: 7,
      microsecond: 42,
    });
    expect(toTrytonDatetime('2024-05-01T09:03:07.5Z')).toMatchObject({ microsecond: 500000 });
    expect(() => toTrytonDatetime('2024-05-01 09:03:07')).toThrow(RangeError);
    expect(toTrytonValue('2024-05-01', 'date')).toEqual({ __class__: 'date', year: 2024, month: 5, day: 1 });
    expect(toTrytonValue(12.5, 'numeric')).toEqual({ __class__: 'Decimal', decimal: '12.5' });
    expect(() => toTrytonValue('12,5', 'numeric')).toThrow(RangeError);
    expect(toTrytonValue('text', 'char')).toBe('text');
    expect(toTrytonValue(undefined, 'date')).toBeNull();
    const iso = '2023-11-14T22:13:20.123456Z';
    expect(fromTryton(toTrytonDatetime(iso))).toBe(iso);
  });

  it('builds keyset domains: after (time, id), or at-or-after the time when the id is unknown', () => {
    const at = toTrytonDatetime('2024-05-01T09:03:07.000042Z');
    expect(keyset('write_date', null)).toEqual([]);
    expect(keyset('write_date', { modifiedAt: '2024-05-01T09:03:07.000042Z', lastId: '17' })).toEqual([
      [
        'OR',
        [['write_date', '>', at]],
        [
          ['write_date', '=', at],
          ['id', '>', 17],
        ],
      ],
    ]);
    expect(keyset('create_date', { modifiedAt: '2024-05-01T09:03:07.000042Z', lastId: null })).toEqual([
      ['create_date', '>=', at],
    ]);
    expect(cursorInstant('2024-01-01')).toBe('2024-01-01T00:00:00.000Z');
    expect(() => cursorInstant('yesterday')).toThrow(RangeError);
  });
});

describe('tryton errors', () => {
  it('names UserError, ConcurrencyException and LoginException from the error array', () => {
    const user = fromTrytonError('erp', 'model.party.party.create', [
      'UserError',
      ['The code must be unique.', 'Pick another.', null],
    ]);
    expect(user).toMatchObject({ code: 'UserError', retryable: false, status: 200 });
    expect(user.message).toBe(
      'erp: tryton model.party.party.create failed: UserError: The code must be unique. - Pick another.',
    );
    const conflict = fromTrytonError('erp', 'model.party.party.write', [
      'ConcurrencyException',
      'Records were modified in the meanwhile',
    ]);
    expect(conflict).toMatchObject({ code: 'ConcurrencyException', retryable: true });
    expect(toWriteFailure(conflict)).toMatchObject({ code: 'STALE_WRITE', retryable: true, vendor: { status: 200 } });
    expect(fromTrytonError('erp', 'common.db.login', ['LoginException', ['totp', 'Code', 'char']])).toMatchObject({
      code: 'AUTH_FAILED',
    });
  });

  it('reports other server exceptions by their text; only lock contention is retryable', () => {
    expect(fromTrytonError('erp', 'm', ["'nope'", 'Traceback ...'])).toMatchObject({
      code: 'SERVER_ERROR',
      retryable: false,
    });
    expect(fromTrytonError('erp', 'm', ['database is locked', ''])).toMatchObject({
      code: 'SERVER_ERROR',
      retryable: true,
    });
  });

  it('maps HTTP statuses: 401 auth, 403 forbidden, 429 and 5xx retryable', () => {
    expect(fromHttpStatus('erp', 'm', 401, '<h1>Unauthorized</h1>')).toMatchObject({
      code: 'AUTH_FAILED',
      retryable: false,
      details: { body: 'Unauthorized' },
    });
    expect(fromHttpStatus('erp', 'm', 403, '')).toMatchObject({ code: 'FORBIDDEN', retryable: false });
    expect(fromHttpStatus('erp', 'm', 429, '')).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(fromHttpStatus('erp', 'm', 503, '')).toMatchObject({ code: 'VENDOR_UNAVAILABLE', retryable: true });
  });
});
