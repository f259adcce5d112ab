/**
 * node-cron's logger, routed through pino. node-cron v4 writes its own coloured lines to the
 * console (`[NODE-CRON] [WARN] task still running, ...`) unless a task is given a `logger`
 * (TaskOptions.logger); those lines broke every reader that expects one JSON object a line.
 */
import type { Logger as CronLogger } from 'node-cron';
import type { Logger } from '../logger.js';

/** A node-cron logger for one task: its lines become pino lines with `component` and `task`. */
export function cronLogger(logger: Logger, task: string): CronLogger {
  const log = logger.child({ component: 'node-cron', task });
  const split = (message: string | Error, err?: Error): [Record<string, unknown>, string] =>
    message instanceof Error ? [{ err: message }, message.message] : [err === undefined ? {} : { err }, message];
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, err) => log.error(...split(message, err)),
    debug: (message, err) => log.debug(...split(message, err)),
  };
}
