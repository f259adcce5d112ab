/**
 * Condition values (filter, locked, onLeave.when) checked against an enumeration field's options at
 * load (src/mapping/check.ts, checkConditionValues): outside them refused with the position, the
 * value and the options; inside accepted; a field without options not checked.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDescription } from '../../../connectors/types.js';
import { checkConditionValues } from '../../../src/mapping/check.js';
import { type MappingFile, conditionSchema } from '../../../src/mapping/schema.js';

const STAGES = ['appointmentscheduled', 'closedwon', 'closedlost'];
const CRM: FieldDescription[] = [
  { name: 'dealstage', label: 'Stage', type: 'enumeration', readOnly: false, options: STAGES },
  { name: 'dealtype', label: 'Type', type: 'enumeration', readOnly: false },
];
const ERP: FieldDescription[] = [
  { name: 'state', label: 'Status', type: 'enumeration', readOnly: true, options: ['draft', 'sale', 'cancel'] },
];

function problems(conditions: { filter?: unknown; locked?: unknown; when?: unknown }): string[] {
  const spec = {
    filter: { crm: conditionSchema.parse(conditions.filter ?? {}) },
    locked: conditions.locked === undefined ? undefined : { erp: conditionSchema.parse(conditions.locked) },
    onLeave: conditions.when === undefined ? undefined : { when: { crm: conditionSchema.parse(conditions.when) } },
  } as unknown as MappingFile;
  const found: string[] = [];
  checkConditionValues(spec, { crmFields: CRM, erpFields: ERP }, (at, message) =>
    found.push(`${at.join('.')}: ${message}`),
  );
  return found;
}

describe('condition values against the field options', () => {
  it('refuses an `in` value outside the options, naming it, the near one and the options', () => {
    expect(problems({ filter: { in: { dealstage: ['closedwonn'] } } })).toEqual([
      `filter.crm.in.dealstage.0: "closedwonn" is not one of the field's options, so no record would ever match it; did you mean "closedwon"? options: appointmentscheduled, closedwon, closedlost`,
    ]);
  });

  it('checks equals, notEquals, locked and onLeave.when too', () => {
    const found = problems({
      filter: { equals: { dealstage: 'won' }, notEquals: { dealstage: 'lost' } },
      locked: { in: { state: ['sale', 'done'] } },
      when: { in: { dealstage: ['closedlost', 'gone'] } },
    });
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'filter.crm.equals.dealstage',
      'filter.crm.notEquals.dealstage',
      'locked.erp.in.state.1',
      'onLeave.when.crm.in.dealstage.1',
    ]);
  });

  it('accepts values among the options, null (empty), and any value of a field without options', () => {
    expect(
      problems({
        filter: { in: { dealstage: ['closedwon'], dealtype: ['anything'] }, notEquals: { dealstage: null } },
        locked: { in: { state: ['sale', 'cancel'] } },
        when: { equals: { dealstage: 'closedlost', unknownfield: 'x' } },
      }),
    ).toEqual([]);
  });
});
