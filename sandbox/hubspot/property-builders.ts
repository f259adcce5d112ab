/**
 * The shape of a sandbox property definition and the small builders every object's list uses
 * (text, number, datetime, enumeration, HubSpot-set system properties), so the per-object lists
 * in properties.ts and commerce-properties.ts read as tables.
 */

export interface PropertyDefinition {
  readonly name: string;
  readonly label: string;
  /** HubSpot's property type: string, number, date, datetime, enumeration, bool. */
  readonly type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  readonly fieldType: string;
  readonly groupName: string;
  readonly hasUniqueValue: boolean;
  /** Set by HubSpot itself (ids, timestamps, calculated values): a write that sets it is rejected. */
  readonly readOnlyValue: boolean;
  readonly options?: readonly string[];
}

export function text(
  name: string,
  label: string,
  groupName: string,
  extra: Partial<PropertyDefinition> = {},
): PropertyDefinition {
  return {
    name,
    label,
    type: 'string',
    fieldType: 'text',
    groupName,
    hasUniqueValue: false,
    readOnlyValue: false,
    ...extra,
  };
}

export function number(
  name: string,
  label: string,
  groupName: string,
  extra: Partial<PropertyDefinition> = {},
): PropertyDefinition {
  return text(name, label, groupName, { type: 'number', fieldType: 'number', ...extra });
}

export function datetime(name: string, label: string, groupName: string): PropertyDefinition {
  return text(name, label, groupName, { type: 'datetime', fieldType: 'date' });
}

export function enumeration(
  name: string,
  label: string,
  groupName: string,
  options: readonly string[],
  fieldType = 'select',
): PropertyDefinition {
  return text(name, label, groupName, { type: 'enumeration', fieldType, options });
}

/** A property HubSpot sets (ids, timestamps): read-only. */
export function system(
  name: string,
  label: string,
  type: 'number' | 'datetime',
  groupName: string,
): PropertyDefinition {
  return {
    name,
    label,
    type,
    fieldType: type === 'number' ? 'number' : 'date',
    groupName,
    hasUniqueValue: false,
    readOnlyValue: true,
  };
}

/** The custom unique property an integration creates for upsert-by-external-id. */
export const TANDEM_REF = text('tandem_ref', 'Tandem reference', 'tandem', { hasUniqueValue: true });

/** The ids merged into a record, semicolon-separated; set by HubSpot's merge only (routes/merge.ts). */
export const mergedIds = (label: string, groupName: string): PropertyDefinition => ({
  ...text('hs_merged_object_ids', label, groupName, { readOnlyValue: true }),
  type: 'enumeration',
  fieldType: 'checkbox',
  options: [],
});
