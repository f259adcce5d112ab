/**
 * The sandbox account's deal pipelines, as `GET /crm/v3/pipelines/deals` serves them and deal
 * writes are checked against: HubSpot's default "Sales Pipeline" with the seven stages every
 * account starts with (ids, labels, probabilities and closed flags as HubSpot ships them), and one
 * custom pipeline with the numeric ids HubSpot gives pipelines and stages a user creates.
 * Stage metadata values are strings on the wire (`{ "isClosed": "false", "probability": "0.2" }`).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/pipelines/guide
 * https://knowledge.hubspot.com/object-settings/set-up-and-customize-pipelines (default stages)
 */
import { SEED_EPOCH } from '../seed.js';

export interface PipelineStage {
  readonly id: string;
  readonly label: string;
  readonly displayOrder: number;
  /** 0.0 to 1.0. */
  readonly probability: string;
  readonly isClosed: boolean;
}

export interface Pipeline {
  readonly id: string;
  readonly label: string;
  readonly displayOrder: number;
  /** Epoch ms; HubSpot's default pipeline says 0. */
  readonly createdAt: number;
  readonly stages: readonly PipelineStage[];
}

const stage = (id: string, label: string, displayOrder: number, probability: string): PipelineStage => ({
  id,
  label,
  displayOrder,
  probability,
  isClosed: probability === '1.0' || probability === '0.0',
});

/** The pipeline a deal lands in when a write names none. */
export const DEFAULT_PIPELINE_ID = 'default';

export const DEAL_PIPELINES: readonly Pipeline[] = [
  {
    id: DEFAULT_PIPELINE_ID,
    label: 'Sales Pipeline',
    displayOrder: 0,
    createdAt: 0,
    stages: [
      stage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
      stage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
      stage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
      stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
      stage('contractsent', 'Contract Sent', 4, '0.9'),
      stage('closedwon', 'Closed Won', 5, '1.0'),
      stage('closedlost', 'Closed Lost', 6, '0.0'),
    ],
  },
  {
    id: '1301476',
    label: 'Renewals',
    displayOrder: 1,
    createdAt: SEED_EPOCH,
    stages: [
      stage('1301477', 'Renewal Due', 0, '0.5'),
      stage('1301478', 'Renewal Quoted', 1, '0.8'),
      stage('1301479', 'Renewed', 2, '1.0'),
      stage('1301480', 'Churned', 3, '0.0'),
    ],
  },
];

export function pipelineOf(id: string): Pipeline | undefined {
  return DEAL_PIPELINES.find((p) => p.id === id);
}

/** Every stage id of every pipeline: the `dealstage` property's options. */
export const DEAL_STAGE_IDS: readonly string[] = DEAL_PIPELINES.flatMap((p) => p.stages.map((s) => s.id));
