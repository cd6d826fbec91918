/**
 * Heartbeats, interval and timeout together: every activity heartbeats every few seconds, so a
 * worker that dies mid-call is noticed within the timeout and the call retried elsewhere, instead
 * of waiting out its whole start-to-close timeout. The timeout leaves room for missed beats.
 */
export const HEARTBEAT_EVERY_MS = 5_000;
export const HEARTBEAT_TIMEOUT_MS = 4 * HEARTBEAT_EVERY_MS;
