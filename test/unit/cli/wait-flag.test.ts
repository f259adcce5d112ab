import { describe, expect, it } from 'vitest';
import { parseWait } from '../../../src/cli/commands/leases.js';

describe('--wait [seconds]', () => {
  it('absent: no wait; alone: no limit; with seconds: at most that long; anything else is a usage error', () => {
    expect(parseWait(undefined)).toEqual({ wait: false });
    expect(parseWait(true)).toEqual({ wait: true });
    expect(parseWait('90')).toEqual({ wait: true, timeoutMs: 90_000 });
    expect(parseWait('0.5')).toEqual({ wait: true, timeoutMs: 500 });
    for (const bad of ['soon', '0', '-3', ''])
      expect(() => parseWait(bad)).toThrow(
        expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(`--wait ${bad}:`) }),
      );
  });
});
