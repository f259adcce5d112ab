/**
 * Values and records said in words for the commands a person reads (`conflicts`, `dlq`): a
 * record by its name and its ids, a value quoted or "(empty)", a vendor's message on one line.
 */

/** A value for a person: text quoted, nothing as "(empty)", a list joined, an object as JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return JSON.stringify(oneLine(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : `[${value.map(valueText).join(', ')}]`;
  return JSON.stringify(value);
}

/** Text on one line: a vendor's multi-line message (a Python traceback, an HTML page) joined with " | ". */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' | ');
}

const NAME_FIELDS = ['name', 'display_name', 'full_name', 'title', 'subject', 'dealname', 'rec_name'];

/**
 * A record's name from its values (canonical, or as a vendor holds them): a `name`-like field,
 * else first and last name, else the email; undefined when none is there.
 */
export function recordName(values: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (values === undefined) return undefined;
  const text = (key: string): string | undefined => {
    const v = values[key];
    return typeof v === 'string' && v.trim() !== '' ? oneLine(v) : undefined;
  };
  for (const key of NAME_FIELDS) {
    const found = text(key);
    if (found !== undefined) return found;
  }
  const person = [text('firstname'), text('lastname')].filter((p) => p !== undefined).join(' ');
  return person !== '' ? person : text('email');
}

/** `"Ada Lovelace" (crm 101, erp 55)`, or the ids alone when no name is known. */
export function recordText(name: string | undefined, ids: { crm?: string | null; erp?: string | null }): string {
  const parts = (['crm', 'erp'] as const).flatMap((side) => {
    const id = ids[side];
    return id === undefined || id === null ? [] : [`${side} ${id}`];
  });
  return name === undefined ? parts.join(', ') : `${JSON.stringify(name)} (${parts.join(', ')})`;
}

/** Parses stored JSON text; text that is not JSON is kept as it is. */
export function parsed(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
