/**
 * The mapping's sync policies for documents (an order made from a deal), compiled once at load:
 * which side creates counterparts (`creates`), when an ERP record is locked (`locked`), what a
 * linked CRM record leaving does (`onLeave`), and the CRM properties to create before writing
 * (`crmProperties`). The pipeline applies them (src/pipeline/policies.ts).
 */
import type { SourceRecord } from '../../connectors/types.js';
import { compileCondition, conditionPaths } from './condition.js';
import type { MappingFile } from './schema.js';
import type { Policies, Problem } from './types.js';

export type { LeavePolicy, Policies } from './types.js';

export function compilePolicies(mapping: MappingFile, problem: Problem): Policies {
  const locked = mapping.locked === undefined ? undefined : compileCondition(mapping.locked.erp);
  const leave = mapping.onLeave;
  // An empty condition matches every record: every order locked, every deal gone. Never meant.
  if (mapping.locked !== undefined && conditionPaths(mapping.locked.erp).length === 0)
    problem(
      ['locked', 'erp'],
      'locked.erp matches every record; give a condition, e.g. { in: { state: [sale, cancel] } }',
    );
  if (leave !== undefined && conditionPaths(leave.when.crm).length === 0)
    problem(
      ['onLeave', 'when', 'crm'],
      'onLeave.when.crm matches every record; give a condition, e.g. { in: { dealstage: [closedlost] } }',
    );
  if (leave !== undefined && leave.action === 'cancel' && Object.keys(leave.cancel?.erp ?? {}).length === 0)
    problem(
      ['onLeave'],
      'onLeave action cancel needs the ERP values that cancel the counterpart, e.g. cancel: { erp: { state: cancel } }',
    );
  const when = leave === undefined ? undefined : compileCondition(leave.when.crm);
  const names = new Set<string>();
  mapping.crmProperties.forEach((p, i) => {
    if (names.has(p.name)) problem(['crmProperties', i, 'name'], `crmProperties names ${p.name} twice; list it once`);
    names.add(p.name);
  });
  return Object.freeze({
    creates: mapping.creates,
    isLocked: (erp: SourceRecord) => locked !== undefined && locked(erp.fields) === null,
    onLeave:
      leave === undefined || when === undefined
        ? undefined
        : {
            leaves: (crm: SourceRecord) => when(crm.fields) === null,
            action: leave.action,
            cancel: leave.action === 'cancel' ? (leave.cancel?.erp ?? {}) : {},
          },
    crmProperties: mapping.crmProperties.map((p) => ({ name: p.name, label: p.label, type: p.type })),
  });
}

/** The vendor properties the policies read on each side (top-level names). */
export function policyReads(mapping: MappingFile): { readonly crm: string[]; readonly erp: string[] } {
  const top = (path: string): string => path.split('.')[0] as string;
  return {
    crm: conditionPaths(mapping.onLeave?.when.crm).map(top),
    erp: [...conditionPaths(mapping.locked?.erp), ...Object.keys(mapping.onLeave?.cancel?.erp ?? {})].map(top),
  };
}
