/** Which parts of a sync's filter go into the vendor's query (filter pushdown), and which stay local only. */
import { describe, expect, it } from 'vitest';
import { pushdownOf } from '../../../src/mapping/condition.js';
import { conditionSchema } from '../../../src/mapping/schema.js';

const condition = (spec: unknown) => conditionSchema.parse(spec);

describe('pushdownOf', () => {
  it('pushes required top-level fields and boolean equals', () => {
    expect(pushdownOf(condition({ required: ['email'], equals: { is_company: false } }))).toEqual([
      { field: 'email', test: 'present' },
      { field: 'is_company', test: 'equals', value: false },
    ]);
  });

  it('keeps local what a vendor would compare otherwise: text and number equals, notEquals, in, dotted paths', () => {
    expect(
      pushdownOf(
        condition({
          required: ['parent.name'],
          equals: { lifecyclestage: 'customer', employees: 5, email: null },
          notEquals: { is_company: true },
          in: { is_company: [false] },
        }),
      ),
    ).toEqual([]);
    expect(pushdownOf(undefined)).toEqual([]);
  });
});
