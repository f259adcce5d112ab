import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clampCursor,
  compareCursor,
  compareIds,
  compareKeys,
  compareTimes,
  isAfter,
  lookback,
  settleLimit,
} from '../../../connectors/cursor.js';

const T = '2024-05-01T10:00:00.000Z';

describe('the keyset cursor', () => {
  it('orders numeric ids numerically and other ids as text', () => {
    expect(compareIds('9', '10')).toBeLessThan(0);
    expect(compareIds('10', '9')).toBeGreaterThan(0);
    expect(compareIds('42', '42')).toBe(0);
    expect(compareIds('b', 'a')).toBeGreaterThan(0);
  });

  it('orders times as instants, microseconds included', () => {
    expect(compareTimes('2024-05-01T10:00:00Z', T)).toBe(0);
    expect(compareTimes('2024-05-01T10:00:00.000100Z', '2024-05-01T10:00:00.000200Z')).toBeLessThan(0);
    expect(compareTimes('2024-05-01T10:00:00.000100Z', T)).toBeGreaterThan(0);
    expect(compareTimes('2024-05-01T09:59:59.999999Z', T)).toBeLessThan(0);
  });

  it('puts a null id before every id at the same time', () => {
    expect(compareKeys({ modifiedAt: T, id: null }, { modifiedAt: T, id: '1' })).toBeLessThan(0);
    expect(compareCursor({ modifiedAt: T, lastId: '2' }, { modifiedAt: T, lastId: null })).toBeGreaterThan(0);
    expect(compareCursor({ modifiedAt: T, lastId: '2' }, { modifiedAt: T, lastId: '10' })).toBeLessThan(0);
  });

  it('is a total order that agrees with isAfter', () => {
    const key = fc.record({
      modifiedAt: fc.integer({ min: 0, max: 5 }).map((s) => new Date(Date.parse(T) + s * 1000).toISOString()),
      id: fc.integer({ min: 1, max: 30 }).map(String),
    });
    fc.assert(
      fc.property(key, key, fc.option(fc.integer({ min: 1, max: 30 }).map(String)), (a, b, lastId) => {
        expect(Math.sign(compareKeys(a, b)) + Math.sign(compareKeys(b, a))).toBe(0);
        const cursor = { modifiedAt: b.modifiedAt, lastId };
        expect(isAfter(a, cursor)).toBe(compareKeys(a, { modifiedAt: cursor.modifiedAt, id: lastId }) > 0);
      }),
    );
  });

  it('reads everything after a null cursor, and the whole instant after a cursor without an id', () => {
    expect(isAfter({ modifiedAt: T, id: '1' }, null)).toBe(true);
    expect(isAfter({ modifiedAt: T, id: '1' }, { modifiedAt: T, lastId: null })).toBe(true);
    expect(isAfter({ modifiedAt: T, id: '1' }, { modifiedAt: T, lastId: '1' })).toBe(false);
  });

  it('looks back a number of seconds, re-reading the whole instant', () => {
    expect(lookback({ modifiedAt: T, lastId: '7' }, 5)).toEqual({
      modifiedAt: '2024-05-01T09:59:55.000Z',
      lastId: null,
    });
    expect(lookback({ modifiedAt: T, lastId: '7' }, 0)).toEqual({ modifiedAt: T, lastId: '7' });
  });

  it("never lets a cursor pass the reading side's now minus the settle window", () => {
    const now = Date.parse(T);
    const limit = settleLimit(now, 30);
    expect(limit).toEqual({ modifiedAt: '2024-05-01T09:59:30.000Z', lastId: null });
    expect(clampCursor({ modifiedAt: '2099-01-01T00:00:00.000Z', lastId: '3' }, limit)).toEqual(limit);
    const early = { modifiedAt: '2024-05-01T09:00:00.000Z', lastId: '3' };
    expect(clampCursor(early, limit)).toBe(early);
    expect(settleLimit(now, 0)).toEqual({ modifiedAt: T, lastId: null });
  });
});
