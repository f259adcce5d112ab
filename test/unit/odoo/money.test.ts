import { describe, expect, it } from 'vitest';
import { decimal, lineSubtotal, roundDigits, roundTo, sum, toNumber } from '../../../sandbox/odoo/money.js';

describe('sandbox money: exact decimals, rounded as Odoo rounds', () => {
  it('computes a discounted line exactly where binary floats drift', () => {
    expect(Math.round(1.005 * 100) / 100).toBe(1);
    expect(lineSubtotal(1.005, 1, 0, 0.01)).toBe(decimal('1.01'));
    expect(lineSubtotal(19.99, 3, 10, 0.01)).toBe(decimal('53.97'));
    expect(lineSubtotal(0.1, 3, 0, 0.01)).toBe(decimal('0.3'));
    expect(lineSubtotal(1490.5, 1, 12.5, 0.01)).toBe(decimal('1304.19'));
    expect(lineSubtotal(3238, 3, 10, 1)).toBe(decimal('8743'));
  });

  it('rounds half-up, away from zero, to a multiple of the rounding', () => {
    expect(toNumber(roundTo(decimal('2.675'), decimal('0.01')))).toBe(2.68);
    expect(toNumber(roundTo(decimal('-2.675'), decimal('0.01')))).toBe(-2.68);
    expect(toNumber(roundTo(decimal('2.674999'), decimal('0.01')))).toBe(2.67);
    expect(toNumber(roundTo(decimal('1.025'), decimal('0.05')))).toBe(1.05);
    expect(toNumber(roundDigits(decimal(2.675), 2))).toBe(2.68);
  });

  it('reads JSON numbers by their decimal digits and sums without drift', () => {
    expect(decimal(1e-7)).toBe(decimal('0.0000001'));
    expect(toNumber(sum([decimal(0.1), decimal(0.2)]))).toBe(0.3);
    expect(toNumber(decimal('-0.5'))).toBe(-0.5);
  });
});
