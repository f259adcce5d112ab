/**
 * The write operations behind the batch endpoints: upsert by a unique property, update by id (or
 * unique property), create and archive. Each runs in one transaction with one clock tick, and
 * reports per-input failures as HubSpot's `StandardError` items for a 207 multi-status answer.
 * Inputs rejected by the partial-failure fault are reported the same way and not applied.
 */
import type { InputRejection } from '../faults.js';
import {
  type PropertyProblem,
  HubspotHttpError,
  errorBody,
  propertyProblemsMessage,
  validationError,
} from './errors.js';
import { OBJECT_TYPE_IDS, type ObjectType, uniqueProperties } from './properties.js';
import { type PublicObject, selectProperties, toPublicObject } from './serialize.js';
import type { HubspotStore, StoredRecord } from './store.js';
import { type AssociationStore, ASSOCIATION_TYPES } from './associations.js';
import { deriveWrite } from './object-rules.js';
import { checkProperties } from './validate.js';

export interface WriteInput {
  readonly id?: string;
  readonly idProperty?: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly objectWriteTraceId?: string;
  /** Create only: records to associate the new one with (`PublicAssociationsForObject`). */
  readonly associations?: readonly AssociationInput[];
}

export interface AssociationInput {
  readonly to: { readonly id: string };
  readonly types: readonly { readonly associationCategory: string; readonly associationTypeId: number }[];
}

/** HubSpot's per-item error in a batch response. */
export interface StandardError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: { message: string; code?: string; in?: string }[];
  links: Record<string, string>;
}

export interface BatchOutcome {
  readonly results: PublicObject[];
  readonly errors: StandardError[];
}

type Mode = 'upsert' | 'update' | 'create';

function itemError(
  category: string,
  message: string,
  input: WriteInput,
  extra: Record<string, string[]> = {},
  details: PropertyProblem[] = [],
): StandardError {
  // The error's `context` is how a client finds the failed input: the objectWriteTraceId it sent
  // (https://developers.hubspot.com/docs/api-reference/error-handling, "Multi-status errors").
  const context: Record<string, string[]> = { ...extra };
  if (input.objectWriteTraceId !== undefined) context['objectWriteTraceId'] = [input.objectWriteTraceId];
  return {
    status: 'error',
    category,
    message,
    context,
    errors: details.map((d) => ({ message: d.message, code: d.error, in: d.name })),
    links: {},
  };
}

function checkBatchShape(store: HubspotStore, object: ObjectType, mode: Mode, inputs: readonly WriteInput[]): void {
  const fatal: PropertyProblem[] = [];
  for (const input of inputs) fatal.push(...checkProperties(object, input.properties, store).fatal);
  if (fatal.length > 0) {
    const unique = [...new Map(fatal.map((p) => [`${p.name}:${p.error}`, p])).values()];
    throw validationError(propertyProblemsMessage(unique), {
      errors: unique.map((p) => ({ message: p.message, code: p.error, in: p.name })),
    });
  }
  if (mode === 'create') return;
  for (const input of inputs) {
    const idProperty = input.idProperty ?? 'hs_object_id';
    if (mode === 'upsert' && input.idProperty === undefined)
      throw validationError('idProperty is required for each input of a batch upsert');
    if (idProperty !== 'hs_object_id' && !uniqueProperties(object).includes(idProperty)) {
      throw validationError(
        `Unable to perform update/upsert by non-unique ${OBJECT_TYPE_IDS[object]} property: ${idProperty}`,
      );
    }
  }
  const ids = inputs.map(
    (i) => `${i.idProperty ?? 'hs_object_id'}:${(i.idProperty === 'email' ? i.id?.toLowerCase() : i.id) ?? ''}`,
  );
  const duplicates = [...new Set(ids.filter((id, n) => ids.indexOf(id) !== n))].map((id) =>
    id.slice(id.indexOf(':') + 1),
  );
  if (duplicates.length > 0)
    throw validationError(`Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`);
}

/** A unique value the input would take from another record. */
function conflictOf(
  store: HubspotStore,
  object: ObjectType,
  values: Record<string, string>,
  self: number | undefined,
): { name: string; id: number } | undefined {
  for (const name of uniqueProperties(object)) {
    const value = values[name];
    if (value === undefined || value === '') continue;
    const holder = store.findByUnique(object, name, value);
    if (holder !== undefined && holder.id !== self) return { name, id: holder.id };
  }
  return undefined;
}

function conflictMessage(object: ObjectType, name: string, id: number): string {
  return name === 'email' && object === 'contacts'
    ? `Contact already exists. Existing ID: ${id}`
    : `A record with this ${name} already exists. Existing ID: ${id}`;
}

/**
 * A transient per-input error, as HubSpot reports one in a 207: the rate-limit category with its
 * rolling-window message, or an internal error (the sandbox's choice of wording, as for its 5xx).
 */
function rejectionError(rejection: InputRejection, input: WriteInput): StandardError {
  const ids: Record<string, string[]> = input.id === undefined ? {} : { ids: [input.id] };
  return rejection === 'throttled'
    ? itemError('RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', input, ids)
    : itemError('INTERNAL_ERROR', 'internal error', input, ids);
}

/** Picks the inputs a batch of `count` rejects (the partial-failure fault); none by default. */
export type RejectInputs = (count: number) => ReadonlyMap<number, InputRejection>;

/**
 * Applies a batch. Throws a 400 for problems of the whole request; returns per-input errors
 * otherwise. For `create` without an objectWriteTraceId on every input there is no multi-status:
 * the first failure fails the batch and nothing is written, and no input is rejected by `reject`.
 */
export function applyWrites(
  store: HubspotStore,
  object: ObjectType,
  mode: Mode,
  inputs: readonly WriteInput[],
  reject?: RejectInputs,
  associations?: AssociationStore,
): BatchOutcome {
  checkBatchShape(store, object, mode, inputs);
  const multiStatus = mode !== 'create' || inputs.every((i) => i.objectWriteTraceId !== undefined);
  const rejected = multiStatus && reject !== undefined ? reject(inputs.length) : new Map<number, InputRejection>();
  return store.transaction(() => {
    const at = store.tick();
    const results: PublicObject[] = [];
    const errors: StandardError[] = [];
    for (const [index, input] of inputs.entries()) {
      const rejection = rejected.get(index);
      if (rejection !== undefined) {
        errors.push(rejectionError(rejection, input));
        continue;
      }
      const outcome = applyOne(store, object, mode, input, at, associations);
      if ('error' in outcome) {
        if (!multiStatus) {
          const status = outcome.error.category === 'CONFLICT' ? 409 : 400;
          throw new HubspotHttpError(status, { ...errorBody(outcome.error.category, outcome.error.message) });
        }
        errors.push(outcome.error);
      } else {
        results.push(outcome.result);
      }
    }
    return { results, errors };
  });
}

function applyOne(
  store: HubspotStore,
  object: ObjectType,
  mode: Mode,
  input: WriteInput,
  at: number,
  associations: AssociationStore | undefined,
): { result: PublicObject } | { error: StandardError } {
  const checked = checkProperties(object, input.properties, store);
  if (checked.invalid.length > 0) {
    return {
      error: itemError(
        'VALIDATION_ERROR',
        propertyProblemsMessage(checked.invalid),
        input,
        { propertyName: checked.invalid.map((p) => p.name) },
        checked.invalid,
      ),
    };
  }
  const values = { ...checked.values };
  const idProperty = input.idProperty ?? 'hs_object_id';
  let existing: StoredRecord | undefined;
  if (mode !== 'create') {
    const id = input.id ?? '';
    existing = store.findByUnique(object, idProperty, id);
    if (existing === undefined && mode === 'update') {
      return {
        error: itemError('OBJECT_NOT_FOUND', `Could not find ${object} with ${idProperty} ${id}`, input, { ids: [id] }),
      };
    }
    if (existing === undefined && idProperty === 'hs_object_id') {
      return {
        error: itemError('OBJECT_NOT_FOUND', `Could not upsert: no ${object} with hs_object_id ${id}`, input, {
          ids: [id],
        }),
      };
    }
    if (existing === undefined) values[idProperty] = idProperty === 'email' ? id.toLowerCase() : id;
  }
  const derived = deriveWrite(store, object, values, existing);
  const links = mode === 'create' ? resolveAssociations(store, object, input.associations ?? []) : [];
  const invalid = [...derived.invalid, ...('problem' in links ? [links.problem] : [])];
  if (invalid.length > 0) {
    const context = { propertyName: invalid.map((p) => p.name) };
    return { error: itemError('VALIDATION_ERROR', propertyProblemsMessage(invalid), input, context, invalid) };
  }
  const conflict = conflictOf(store, object, derived.values, existing?.id);
  if (conflict !== undefined) {
    return {
      error: itemError('CONFLICT', conflictMessage(object, conflict.name, conflict.id), input, {
        ids: [input.id ?? ''],
        existingId: [String(conflict.id)],
      }),
    };
  }
  const record =
    existing === undefined ? store.insert(object, derived.values, at) : store.update(existing, derived.values, at);
  if (!('problem' in links))
    for (const link of links) associations?.associate(object, record.id, link.to, link.toId, [link.typeId]);
  const shown = selectProperties(
    object,
    [
      ...Object.keys(input.properties),
      ...Object.keys(derived.values),
      ...(idProperty === 'hs_object_id' ? [] : [idProperty]),
    ],
    store,
  );
  const result: PublicObject = toPublicObject(record, shown, store);
  if (mode === 'upsert') result.new = existing === undefined;
  if (input.objectWriteTraceId !== undefined) result.objectWriteTraceId = input.objectWriteTraceId;
  return { result };
}

/**
 * The associations a create asks for, each type defined from this object and each target a live
 * record; the first that is not is the input's problem (wording guessed).
 */
function resolveAssociations(
  store: HubspotStore,
  object: ObjectType,
  inputs: readonly AssociationInput[],
): { to: ObjectType; toId: number; typeId: number }[] | { problem: PropertyProblem } {
  const links: { to: ObjectType; toId: number; typeId: number }[] = [];
  for (const input of inputs) {
    for (const spec of input.types) {
      const type = ASSOCIATION_TYPES.find((t) => t.from === object && t.typeId === spec.associationTypeId);
      const toId = Number(input.to.id);
      const target = type !== undefined && Number.isInteger(toId) ? store.get(type.to, toId) : undefined;
      if (type === undefined || target === undefined) {
        const message =
          type === undefined
            ? `associationTypeId ${spec.associationTypeId} is not a valid association type from ${object}`
            : `${type.to} ${input.to.id} does not exist`;
        return { problem: { name: 'associations', error: 'INVALID_ASSOCIATION', message } };
      }
      links.push({ to: type.to, toId, typeId: type.typeId });
    }
  }
  return links;
}

/** Archives live records; ids that do not exist are ignored (the endpoint answers 204 regardless). */
export function archiveAll(store: HubspotStore, object: ObjectType, ids: readonly string[]): void {
  store.transaction(() => {
    const at = store.tick();
    for (const id of ids) {
      const record = /^\d+$/.test(id) ? store.get(object, Number(id)) : undefined;
      if (record !== undefined) store.archive(record, at);
    }
  });
}
