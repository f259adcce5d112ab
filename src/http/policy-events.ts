/**
 * Turns a connector policy's events into logs and metric events: the policies only emit
 * (cockatiel's `onRetry`, the limiter's `onHold`, the timeout's `onTimeout`); what an operator
 * reads is decided here.
 */
import type { Logger } from '../logger.js';
import type { RequestPolicy } from './policy.js';
import type { HttpEvent } from './types.js';
import type { Attempt } from './verdict.js';

export function observePolicy(
  policy: RequestPolicy,
  sink: { readonly connector: string; readonly logger: Logger; readonly publish: (event: HttpEvent) => void },
): void {
  const { connector, logger, publish } = sink;
  policy.retry.onRetry((event) => {
    const attempt = 'value' in event ? (event.value as Attempt) : undefined;
    const status = attempt?.kind === 'response' ? attempt.response.status : undefined;
    const code = attempt?.kind === 'failed' ? attempt.error.details['cause'] : undefined;
    publish({
      connector,
      event: 'retry',
      ...(status === undefined ? {} : { status }),
      ...(typeof code === 'string' ? { code } : {}),
    });
    logger.warn(
      {
        request: attempt?.request,
        retry: event.attempt,
        delayMs: Math.round(event.delay),
        status,
        code,
        reason: attempt?.verdict.reason,
      },
      'retrying request',
    );
  });
  policy.limiter.onHold((hold) => {
    publish({ connector, event: 'hold' });
    // A full window is routine pacing; a hold the vendor asked for is worth reading.
    const level = hold.reason === 'window full' ? 'debug' : 'info';
    logger[level]({ window: hold.window, ms: Math.round(hold.ms), reason: hold.reason }, 'rate limit: request waits');
  });
  policy.timeout.onTimeout(() => logger.debug({ connector }, 'request timed out'));
}
