import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failure } from '../../common/failures.js';
import type Docker from 'dockerode';
import type { z } from 'zod';
import { availableParallelism } from 'node:os';
import {
  RunBatchInputSchema,
  RunFuzzPassInputSchema,
  type RunBatchResult,
  type RunFuzzPassResult,
  type SandboxLimits,
} from '../../common/sandbox.js';
import { withHeartbeat } from '../heartbeat.js';
import { parseInput } from '../validate.js';
import { runBatchInContainer, type BatchHooks } from './session.js';
import type { ContainerPool } from './pool.js';
import { runPassInContainers } from './pass.js';

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

/**
 * Runs `work` in the activity's context: heartbeats with the count of inputs done, a container
 * engine's failure made retryable, and a cancellation reported as one once the containers are gone.
 */
async function inContainers<T>(what: string, inputs: number, work: (hooks: BatchHooks) => Promise<T>): Promise<T> {
  const context = Context.current();
  const workflowId = context.info.workflowExecution?.workflowId ?? '';
  let done = 0;
  let result: T;
  try {
    // A slow input reports nothing for up to its time limit: the heartbeat goes on anyway.
    result = await withHeartbeat(
      () =>
        work({
          onOutcome: (count) => {
            done = count;
            context.heartbeat({ done });
          },
          signal: context.cancellationSignal,
          labels: { 'autosafecoder.workflow-id': workflowId, 'autosafecoder.activity-id': context.info.activityId },
          claimName: batchContainerName(workflowId, context.info.activityId),
        }),
      () => ({ done }),
    );
  } catch (error) {
    if (error instanceof ApplicationFailure) throw error;
    // The engine refusing or vanishing is transient from the run's point of view: retry.
    throw failure('SandboxEngineError', `container engine error: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Cancelled: the containers are gone; report the cancellation, not a half-run batch as done.
  if (context.cancellationSignal.aborted)
    throw new CancelledFailure(`${what} cancelled after ${done} of ${inputs} inputs; its containers were removed`);
  return result;
}

/** Activities of the sandbox queue: untrusted code runs here, inside containers only. */
export function createSandboxActivities(deps: SandboxDeps) {
  const cores = availableParallelism();
  let passes = 0;
  return {
    runFuzzBatch: async (input: z.input<typeof RunBatchInputSchema>): Promise<RunBatchResult> => {
      const batch = parseInput(RunBatchInputSchema, input, 'runFuzzBatch input');
      return inContainers('fuzz batch', batch.cases.length, (hooks) =>
        runBatchInContainer(deps.docker, deps.image, batch, deps.limits, { ...hooks, pool: deps.pool }),
      );
    },
    runFuzzPass: async (input: z.input<typeof RunFuzzPassInputSchema>): Promise<RunFuzzPassResult> => {
      const pass = parseInput(RunFuzzPassInputSchema, input, 'runFuzzPass input');
      passes++;
      try {
        // Spread over two containers while this worker's cores are free; one each when passes run side by side.
        const containers = Math.max(1, Math.min(2, Math.floor(cores / passes)));
        return await inContainers('fuzz pass', pass.rounds.seeds.length + pass.rounds.mutations, (hooks) =>
          runPassInContainers(deps.docker, deps.image, pass, deps.limits, { ...hooks, pool: deps.pool, containers }),
        );
      } finally {
        passes--;
      }
    },
  };
}

export type SandboxActivities = ReturnType<typeof createSandboxActivities>;
