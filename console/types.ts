/** What the console reads from the daemon's API (docs/openapi.json has the full schemas). */
export type Side = 'crm' | 'erp';

export interface SyncRow {
  sync: string;
  enabled: boolean;
  schedule: string;
  paused: boolean;
  running: boolean;
  checkpoint: { modifiedAt: string } | null;
  lastRun: { id: number; kind: string; status: string; startedAt: string; finishedAt: string | null } | null;
  lastSuccessAt: string | null;
  sinceSuccessS: number | null;
  links: number;
  outbox: { pending: number; done: number; dead: number };
  deadLetters: number;
  ambiguousMatches: number;
  conflicts: number;
  breakers: Record<Side, { connector: string; state: string } | null>;
}

export interface RecordView {
  side: Side;
  id: string;
  found: boolean;
  name: string | null;
  url: string | null;
  modifiedAt: string | null;
  archived: boolean;
  fields: Record<string, unknown>;
  values: Record<string, unknown> | null;
}

export interface Conflict {
  id: number;
  sync: string;
  crmId: string;
  erpId: string;
  field: string;
  kind: string;
  crm: unknown;
  erp: unknown;
  base: unknown;
  createdAt: string;
}

export interface DeadLetter {
  id: number;
  sync: string;
  side: Side;
  stage: string;
  recordId: string;
  operationKey: string | null;
  error: unknown;
  payload?: unknown;
  createdAt: string;
}

export interface AmbiguousMatch {
  sync: string;
  side: Side;
  recordId: string;
  matchKey: string;
  candidates: string[];
}

export interface Report {
  id: number;
  sync: string;
  generatedAt: string;
  repaired: boolean;
  summary: { agreement: number; categories: Record<string, number>; repairable: number } | null;
  files: Record<string, string>;
}

export interface DriftRow {
  category: string;
  crmId: string | null;
  erpId: string | null;
  label: string | null;
  detail: string;
  action: string;
  repairable: boolean;
  fields: { field: string; crm: unknown; erp: unknown; base: unknown; action: string }[];
  urls: { crm?: string; erp?: string };
}

export interface PlannedChange {
  side: Side;
  action: string;
  targetId: string | null;
  sourceId: string;
  fields: { field: string; from: unknown; to: unknown }[];
}
