import { describe, expect, it } from 'vitest';
import type { MappedField } from '../../../src/mapping/types.js';
import { merge } from '../../../src/pipeline/merge.js';

const field = (
  name: string,
  owner: MappedField['owner'],
  direction: MappedField['direction'] = 'both',
): MappedField => ({
  name,
  crm: [name],
  erp: [name],
  direction,
  owner,
  tie: 'crm',
  required: false,
  reference: undefined,
});

const times = { crmModifiedAt: '2024-01-01T00:00:00.000Z', erpModifiedAt: '2024-01-02T00:00:00.000Z' };

describe('three-way merge', () => {
  it('first contact: a value beats an empty field whatever the owner, so pairing never wipes data', () => {
    const out = merge({
      fields: [field('phone', 'latest'), field('city', 'erp'), field('zip', 'manual')],
      crm: { phone: '+33478000000', city: 'Lyon', zip: null },
      erp: { phone: null, city: null, zip: '69001' },
      base: null,
      ...times, // the ERP changed later: `latest` would have taken its empty phone
    });
    expect(out.toErp).toEqual({ phone: '+33478000000', city: 'Lyon' });
    expect(out.toCrm).toEqual({ zip: '69001' });
    expect(out.conflicts).toEqual([]);
  });

  it('first contact: an empty list is no value either', () => {
    const out = merge({
      fields: [field('tags', 'latest')],
      crm: { tags: ['vip', 'eu'] },
      erp: { tags: [] },
      base: null,
      ...times,
    });
    expect(out.toErp).toEqual({ tags: ['vip', 'eu'] });
  });

  it('first contact: two values that differ still go to the owner', () => {
    const out = merge({
      fields: [field('city', 'latest'), field('zip', 'manual')],
      crm: { city: 'Lyon', zip: '69001' },
      erp: { city: 'Paris', zip: '75001' },
      base: null,
      ...times,
    });
    expect(out.toCrm).toEqual({ city: 'Paris' });
    expect(out.conflicts).toEqual([{ field: 'zip', crm: '69001', erp: '75001', base: null }]);
  });

  it('with a base, clearing a field is a change like any other', () => {
    const out = merge({
      fields: [field('phone', 'latest')],
      crm: { phone: '+33478000000' },
      erp: { phone: null },
      base: { phone: '+33478000000' },
      ...times,
    });
    expect(out.toCrm).toEqual({ phone: null });
  });

  it('a one-way field takes its source even when the source is empty', () => {
    const out = merge({
      fields: [field('company', 'crm', 'crm->erp')],
      crm: { company: null },
      erp: { company: 'Acme' },
      base: null,
      ...times,
    });
    expect(out.toErp).toEqual({ company: null });
  });
});
