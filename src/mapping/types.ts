/** The compiled mapping's public surface: what the pipeline, the CLI and the reconciler use. */
import type {
  FieldDescription,
  FilterCondition,
  LookupOptions,
  PropertySpec,
  SourceRecord,
} from '../../connectors/types.js';
import type { CatalogUse, NeededLink, ReferenceResolver, Side } from './resolver.js';
import type { Value } from './values.js';

/** Which way a field flows; `none`: compared only (drift reports a difference; runs never write it). */
export type Direction = 'both' | 'crm->erp' | 'erp->crm' | 'none';
/** Who wins a field changed differently on both sides: a side, the later change, or a person. */
export type Owner = 'crm' | 'erp' | 'latest' | 'manual';
export type Payload = Readonly<Record<string, unknown>>;
/** Canonical values by field name: the form both sides map into, compared field by field. */
export type CanonicalValues = Readonly<Record<string, Value>>;

/** Why a record produced no payload. */
export type MapFailure =
  /** Outside the side's filter: the record takes no part in the sync. */
  | { readonly ok: false; readonly code: 'FILTERED'; readonly reason: string }
  /** A value cannot be mapped (not a date, too long, required but empty): a dead letter. */
  | { readonly ok: false; readonly code: 'MAPPING_FAILED'; readonly reason: string; readonly field: string }
  /**
   * A reference whose target is not linked yet (the contact's company has no partner yet): not a
   * failure; map the record again once sync `sync` has linked record `id`.
   */
  | {
      readonly ok: false;
      readonly code: 'WAITING_REFERENCE';
      readonly reason: string;
      readonly field: string;
      readonly sync: string;
      readonly id: string;
    };

export type MapResult = { readonly ok: true; readonly fields: Payload } | MapFailure;
export type CanonicalResult = { readonly ok: true; readonly values: CanonicalValues } | MapFailure;

/** One field as the reconciler sees it. */
export interface MappedField {
  /** Canonical name (the key in {@link CanonicalValues}); default: the ERP path. */
  readonly name: string;
  /** CRM paths (several for a template or a list). Empty never: a field always reads the CRM. */
  readonly crm: readonly string[];
  readonly erp: readonly string[];
  readonly direction: Direction;
  /** For two-way fields; one-way fields are owned by their source side. */
  readonly owner: Owner;
  /** With owner `latest`: the side that wins equal modification times. */
  readonly tie: Side;
  readonly required: boolean;
  /** The sync whose links translate this field's ids, for reference fields with one sync. */
  readonly reference: string | undefined;
  /**
   * Every sync whose links this field uses: `[reference]`, or a fallback's syncs in the order of
   * its CRM paths (`[companies, contacts]`, `reference` then undefined); empty or absent for
   * other fields.
   */
  readonly references?: readonly string[];
  /**
   * For a collection (`lines:`): the names of the line fields, the order of each line's tuple in
   * the canonical value (a list of tuples, sorted by the key, then by the other values).
   */
  readonly lines?: readonly string[];
}

export interface MatchKey {
  readonly crm: string;
  readonly erp: string;
  /** The comparable form of a value, or null when the value cannot match anything. */
  normalize(value: unknown): string | null;
  /**
   * How a vendor query must compare to find every candidate this key can pair: without case
   * when the key lower-cases, with loose white space when it collapses it.
   */
  readonly lookup: LookupOptions;
  /**
   * True when the key only trims and lower-cases (`none`, `lowercase`, or steps among `trim` and
   * `lowercase`): two values it makes equal differ at most in case and
   * surrounding white space, so a vendor that keeps the field unique that way (`Capabilities.uniqueFields`)
   * never holds two records with one key value.
   */
  readonly caseOnly: boolean;
}

export interface RecordReference {
  /** The field that carries the other side's id. */
  readonly field: string;
  /** Its value for a record of the other side (`HS-<id>`). */
  value(record: SourceRecord): string;
  /**
   * The other side's id a value of the field names (`HS-17` -> `17`), for templates whose only
   * placeholder is `{id}`; undefined for anything else.
   */
  idOf?(value: unknown): string | undefined;
}

export interface CompiledMapping {
  readonly file: string;
  readonly crmObject: string;
  readonly erpObject: string;
  /** CRM properties a read must fetch. */
  readonly crmFields: readonly string[];
  /** ERP fields this mapping reads or writes (for reads and `validate`). */
  readonly erpFields: readonly string[];
  /** The ERP field that carries the CRM id; `value` takes a CRM record. */
  readonly reference: RecordReference;
  /** The CRM field that carries the ERP id, when declared; `value` takes an ERP record. */
  readonly crmReference: RecordReference | undefined;
  readonly matchKeys: readonly MatchKey[];
  readonly fields: readonly MappedField[];
  /** Syncs whose links this mapping's references use: run those first. */
  readonly references: readonly string[];
  /** Catalogs the lookups read: load once per run. */
  readonly lookups: readonly CatalogUse[];
  /** Who creates, what is locked, what leaving does, which CRM properties to create (policies.ts). */
  readonly policies: Policies;
  /** Per side, the filter conditions a vendor query can carry (condition.ts `pushdownOf`); none when absent. */
  readonly pushdown?: Readonly<Record<Side, readonly FilterCondition[]>>;
  /**
   * CRM record -> ERP payload (fields flowing to the ERP, constants and the reference field), or
   * why not: `canonical('crm')` then `encode('erp')`, the steps a run takes. Without a resolver,
   * fields that need one (references, lookups) are left out.
   */
  toErp(record: SourceRecord, resolver?: ReferenceResolver): MapResult;
  /** ERP record -> CRM payload (fields flowing to the CRM, CRM constants, and `crmReference`). */
  toCrm(record: SourceRecord, resolver?: ReferenceResolver): MapResult;
  /** Every field's canonical value as read from one side's record (fields needing a missing resolver left out). */
  canonical(side: Side, record: SourceRecord, resolver?: ReferenceResolver): CanonicalResult;
  /**
   * Canonical values -> a payload for `side`, for the fields flowing to it (only those named in
   * `only`, when given), with that side's constants; reference fields are not added.
   */
  encode(side: Side, values: CanonicalValues, resolver?: ReferenceResolver, only?: ReadonlySet<string>): MapResult;
  /** The links mapping `record` (of `side`) will ask the resolver for: prefetch them per page. */
  referencesOf(record: SourceRecord, side: Side): NeededLink[];
}

/** `onLeave`, compiled. */
export interface LeavePolicy {
  /** True when a CRM record matches `onLeave.when`: it has left (a deal lost). */
  leaves(crm: SourceRecord): boolean;
  readonly action: 'cancel' | 'report';
  /** ERP field -> value that cancels the counterpart; empty for `report`. */
  readonly cancel: Readonly<Record<string, string | number | boolean | null>>;
}

/** The mapping's document policies, compiled (src/mapping/policies.ts). */
export interface Policies {
  /** Which side's unlinked records create counterparts. */
  readonly creates: 'crm' | 'erp' | 'both';
  /** True when an ERP record matches `locked.erp`: nothing is written to it without a person. */
  isLocked(erp: SourceRecord): boolean;
  readonly onLeave: LeavePolicy | undefined;
  readonly crmProperties: readonly PropertySpec[];
}

/** Reports a problem at a path of the mapping file (file, line and column) and throws. */
export type Problem = (path: readonly (string | number)[], message: string) => never;

/** What a mapping is checked against when it loads. */
export interface LoadOptions {
  /** The CRM object's fields as its connector describes them: every CRM path must be one. */
  readonly crmFields?: readonly FieldDescription[];
  /** The ERP object's fields (Odoo's `fields_get`): every ERP path must be one. */
  readonly erpFields?: readonly FieldDescription[];
  /** The config's sync names: every `reference:` must name one. */
  readonly syncs?: readonly string[];
  /** The objects the CRM connector's kind syncs (its registry entry): `crm.object` must be one. */
  readonly crmObjects?: readonly string[];
  /** The objects the ERP connector's kind syncs: `erp.object` must be one. */
  readonly erpObjects?: readonly string[];
}
