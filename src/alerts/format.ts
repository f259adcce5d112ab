/**
 * What a batch of alerts looks like on the wire: the generic webhook's JSON (signed like Tandem's
 * incoming webhooks: `X-Tandem-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">`) and a
 * Slack incoming webhook's `{ text, blocks }` (https://api.slack.com/messaging/webhooks).
 */
import type { Alert } from './alert.js';

export interface WebhookBody {
  readonly source: 'tandem';
  /** Alerts left out of earlier messages (the queue was full); 0 normally. */
  readonly dropped: number;
  readonly alerts: readonly Alert[];
}

export function webhookBody(alerts: readonly Alert[], dropped: number): string {
  const body: WebhookBody = { source: 'tandem', dropped, alerts };
  return JSON.stringify(body);
}

/** Slack's mrkdwn escapes (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack allows 50 blocks a message; a longer batch is summed up in its last block. */
const SLACK_MAX_BLOCKS = 50;

export function slackBody(alerts: readonly Alert[], dropped: number): string {
  const lines = alerts.map((a) => `• ${escape(a.title)} <${a.link}|open>`);
  const head = `Tandem: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}${dropped > 0 ? ` (${dropped} more dropped)` : ''}`;
  const shown = alerts.slice(0, SLACK_MAX_BLOCKS - 2);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escape(head)}*` } },
    ...shown.map((a) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${a.kind}* ${escape(a.title)}\n<${a.link}|Open in the console>` },
    })),
  ];
  if (alerts.length > shown.length)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${alerts.length - shown.length} more` }] });
  return JSON.stringify({ text: [head, ...lines].join('\n'), blocks });
}
