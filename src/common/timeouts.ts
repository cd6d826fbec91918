/**
 * How long each kind of work may take, and the activity timeouts built on those limits, together
 * so that a change to one shows what it must still fit in. The sandbox's own limits, and the
 * timeout of a fuzz batch derived from them, are in sandbox.ts.
 */

/**
 * Every activity heartbeats every few seconds, so a worker that dies mid-call is noticed within
 * the heartbeat timeout and the call retried elsewhere, instead of waiting out its whole
 * start-to-close timeout. The timeout leaves room for missed beats.
 */
export const HEARTBEAT_EVERY_MS = 5_000;
export const HEARTBEAT_TIMEOUT_MS = 4 * HEARTBEAT_EVERY_MS;

/** An analyser run (Bandit, Semgrep, the code inspector) is killed past this. */
export const ANALYSER_DEADLINE_MS = 60_000;
/** One analysis activity: one analyser run, with room to write its files and read its report. */
export const ANALYSIS_ACTIVITY_TIMEOUT_MS = 2 * ANALYSER_DEADLINE_MS;

/** Re-asks after an unusable model answer before an agent call fails for good. */
export const MAX_REASKS = 2;
/** One agent call: up to MAX_REASKS + 1 model requests, each bounded by ASC_LLM_TIMEOUT_S. */
export const LLM_ACTIVITY_TIMEOUT_MS = 10 * 60_000;

/** The longest ASC_LLM_TIMEOUT_S with which every request of one agent call fits its activity. */
export const MAX_LLM_REQUEST_TIMEOUT_S = Math.floor(LLM_ACTIVITY_TIMEOUT_MS / 1000 / (MAX_REASKS + 1));

/** One behaviour test (a HumanEval check, a test function, a function's doctests) in the sandbox. */
export const BEHAVIOUR_TEST_TIMEOUT_MS = 10_000;
