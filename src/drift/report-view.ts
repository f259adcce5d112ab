/** A stored drift report as the CLI (`tandem reports list`) and the API (`GET /api/reports`) show it. */
import type { ReportRow } from '../../state/index.js';
import { storedSummarySchema } from './report-schema.js';

export interface ReportView {
  readonly id: number;
  readonly sync: string;
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly repaired: boolean;
  /** Null for a summary an older release stored in another shape. */
  readonly summary: ReturnType<typeof storedSummarySchema.parse> | null;
  readonly files: Record<string, string>;
}

export function reportView(r: ReportRow): ReportView {
  const summary = storedSummarySchema.safeParse(JSON.parse(r.summary));
  return {
    id: r.id,
    sync: r.sync,
    generatedAt: r.generated_at,
    durationMs: r.duration_ms,
    repaired: r.repaired === 1,
    summary: summary.success ? summary.data : null,
    files: JSON.parse(r.files) as Record<string, string>,
  };
}
