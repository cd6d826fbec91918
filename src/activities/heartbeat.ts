import { Context } from '@temporalio/activity';

import { HEARTBEAT_EVERY_MS } from '../common/timeouts.js';

/**
 * Runs `work` while heartbeating every few seconds, so that a worker that dies mid-call is
 * noticed within the activity's heartbeat timeout and the call retried elsewhere, instead of
 * waiting out its whole start-to-close timeout. `details` gives the latest progress to report.
 */
export async function withHeartbeat<T>(work: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  const context = Context.current();
  context.heartbeat(details());
  const timer = setInterval(() => context.heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
