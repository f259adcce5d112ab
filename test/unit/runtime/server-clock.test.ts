import { describe, expect, it } from 'vitest';
import type { HttpTransport } from '../../../src/http/transport.js';
import { createServerClock, withServerClock } from '../../../src/runtime/server-clock.js';

describe("the vendor's clock from its Date headers", () => {
  it('runs on local time until a Date header is seen, then keeps the offset it showed', async () => {
    let local = Date.UTC(2026, 11, 1, 10, 0, 0);
    const clock = createServerClock(() => local);
    expect(clock.known()).toBe(false);
    expect(clock.now()).toBe(local);

    // The vendor's clock is two hours ahead (an ERP whose clock ran ahead for a while).
    const transport: HttpTransport = {
      request: () =>
        Promise.resolve({ status: 200, headers: { date: 'Tue, 01 Dec 2026 12:00:00 GMT' }, body: {}, text: '{}' }),
    };
    await withServerClock(transport, clock).request({ method: 'GET', url: 'http://vendor.test/' });
    expect(clock.known()).toBe(true);
    local += 30_000;
    expect(new Date(clock.now()).toISOString()).toBe('2026-12-01T12:00:30.000Z');
  });

  it('ignores a missing or unreadable Date header', () => {
    const clock = createServerClock(() => 1000);
    clock.observe({});
    clock.observe({ date: 'not a date' });
    expect(clock.known()).toBe(false);
    expect(clock.now()).toBe(1000);
  });
});
