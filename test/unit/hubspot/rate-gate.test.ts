import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateGate } from '../../../connectors/hubspot/rate-gate.js';

describe('HubSpot rate-limit headers (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds the next request for the window when Remaining reaches 0, and not otherwise', async () => {
    const gate = createRateGate();
    let passed = false;
    gate.observe({ 'x-hubspot-ratelimit-remaining': '3', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    await gate.wait();

    gate.observe({ 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    const waiting = gate.wait().then(() => (passed = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(passed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(passed).toBe(true);
  });

  it('ignores responses without the headers (search answers carry none)', async () => {
    const gate = createRateGate();
    gate.observe({});
    let passed = false;
    await gate.wait().then(() => (passed = true));
    expect(passed).toBe(true);
  });
});
