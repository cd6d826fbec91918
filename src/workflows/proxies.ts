import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import { ANALYSIS_ACTIVITY_TIMEOUT_MS, HEARTBEAT_TIMEOUT_MS, LLM_ACTIVITY_TIMEOUT_MS } from '../common/timeouts.js';
import { TASK_QUEUES } from '../common/queues.js';

/**
 * How every activity is called: its queue, timeouts and retries (ledger.ts turns each call into
 * an audited agent step). Retry policies list no error types: each failure says itself whether it
 * is retryable (src/common/failures.ts).
 */

const analysisOptions: ActivityOptions = {
  taskQueue: TASK_QUEUES.analysis,
  startToCloseTimeout: ANALYSIS_ACTIVITY_TIMEOUT_MS,
  heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
};

/** A batch's start-to-close timeout is derived from its size and per-input limit (src/common/sandbox.ts). */
function sandboxOptions(startToCloseTimeoutMs: number): ActivityOptions {
  return {
    taskQueue: TASK_QUEUES.sandbox,
    // A cancelled run closes only once its containers are gone.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    startToCloseTimeout: startToCloseTimeoutMs,
    heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  };
}

function llmOptions(maxAttempts: number): ActivityOptions {
  return {
    taskQueue: TASK_QUEUES.llm,
    startToCloseTimeout: LLM_ACTIVITY_TIMEOUT_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: maxAttempts },
  };
}

export const analysis = proxyActivities<activities.AnalysisActivities>(analysisOptions);
export const sandboxActivities = (startToCloseTimeoutMs: number) =>
  proxyActivities<activities.SandboxActivities>(sandboxOptions(startToCloseTimeoutMs));
export const llmActivities = (maxAttempts: number) => proxyActivities<activities.LlmActivities>(llmOptions(maxAttempts));
