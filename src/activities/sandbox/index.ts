import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failure } from '../../common/failures.js';
import type Docker from 'dockerode';
import type { z } from 'zod';
import { RunBatchInputSchema, type RunBatchResult, type SandboxLimits } from '../../common/sandbox.js';
import { withHeartbeat } from '../heartbeat.js';
import { parseInput } from '../validate.js';
import { runBatchInContainer, type ContainerPool } from './container.js';

export interface SandboxDeps {
  docker: Docker;
  image: string;
  limits: SandboxLimits;
  /** Warm containers, when the worker keeps some (ASC_SANDBOX_POOL). */
  pool?: ContainerPool | undefined;
}

/** How the name of every claimed warm container begins. */
export const CLAIMED_NAME_PREFIX = 'asc-';

/** How the names of a run's batch containers begin: the prefix, then the run's id as Docker allows names. */
export function runContainerPrefix(workflowId: string): string {
  return `${CLAIMED_NAME_PREFIX}${workflowId.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 80)}-`;
}

/** A claimed container's name: the run, the activity, and the time (a retried batch gets a new one). */
function batchContainerName(workflowId: string, activityId: string): string {
  return `${runContainerPrefix(workflowId)}${activityId.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 20)}-${Date.now().toString(36)}`;
}

/** Activities of the sandbox queue: untrusted code runs here, inside containers only. */
export function createSandboxActivities(deps: SandboxDeps) {
  return {
    runFuzzBatch: async (input: z.input<typeof RunBatchInputSchema>): Promise<RunBatchResult> => {
      const batch = parseInput(RunBatchInputSchema, input, 'runFuzzBatch input');
      const context = Context.current();
      let done = 0;
      let result: RunBatchResult;
      try {
        // A slow input reports nothing for up to its time limit: the heartbeat goes on anyway.
        result = await withHeartbeat(
          () =>
            runBatchInContainer(deps.docker, deps.image, batch, deps.limits, {
              onOutcome: (count) => {
                done = count;
                context.heartbeat({ done });
              },
              signal: context.cancellationSignal,
              labels: { 'autosafecoder.workflow-id': context.info.workflowExecution?.workflowId ?? '', 'autosafecoder.activity-id': context.info.activityId },
              pool: deps.pool,
              claimName: batchContainerName(context.info.workflowExecution?.workflowId ?? '', context.info.activityId),
            }),
          () => ({ done }),
        );
      } catch (error) {
        if (error instanceof ApplicationFailure) throw error;
        // The engine refusing or vanishing is transient from the run's point of view: retry.
        throw failure('SandboxEngineError', `container engine error: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Cancelled: the container is gone; report the cancellation, not a half-run batch as done.
      if (context.cancellationSignal.aborted) throw new CancelledFailure(`fuzz batch cancelled after ${done} of ${batch.cases.length} inputs; its container was removed`);
      return result;
    },
  };
}

export type SandboxActivities = ReturnType<typeof createSandboxActivities>;
