import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import Docker from 'dockerode';
import { createAnalysisActivities, createLlmActivities, createLlmClient, createSandboxActivities } from '../activities/index.js';
import { ContainerPool } from '../activities/sandbox/pool.js';
import { reapLeftovers } from '../activities/sandbox/container.js';
import { runProcess } from '../activities/process.js';
import { llmConfigured, type Env } from '../common/config.js';
import { TASK_QUEUES, type QueueKind } from '../common/queues.js';
import { SANDBOX_LIMITS } from '../common/sandbox.js';

const REAP_EVERY_MS = 60_000;
/** Warm containers are replaced after this, well before the reaper's 30 minutes for running ones. */
const POOL_MAX_IDLE_MS = 5 * 60_000;

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.js', import.meta.url));

/** A worker that cannot do its job refuses to start, and says what to do about it. */
export class PreflightError extends Error {}

export function dockerFromEnv(): Docker {
  // dockerode reads DOCKER_HOST itself only for tcp; honour unix:// too.
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  return new Docker();
}

async function checkSandbox(docker: Docker, image: string): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new PreflightError(
      `the sandbox worker needs a Docker engine and cannot reach one (${error instanceof Error ? error.message : String(error)}): start dockerd (scripts/setup.sh does) or set DOCKER_HOST`,
    );
  }
  try {
    await docker.getImage(image).inspect();
  } catch {
    throw new PreflightError(
      `the sandbox image ${image} is missing: build it with scripts/build-sandbox-image.sh, or set ASC_SANDBOX_IMAGE`,
    );
  }
}

async function checkAnalysers(env: Env): Promise<void> {
  const tools = [
    ['Bandit', env.ASC_BANDIT, 'ASC_BANDIT'],
    ['Semgrep', env.ASC_SEMGREP, 'ASC_SEMGREP'],
  ] as const;
  for (const [name, program, setting] of tools) {
    // Semgrep execs pysemgrep from its own directory and writes a log under HOME (a worker's may be read-only).
    const env = { ...process.env, PATH: `${dirname(program)}:${process.env.PATH ?? ''}`, HOME: tmpdir() };
    const run = await runProcess(program, ['--version'], '', 30_000, undefined, env).catch((error: unknown) => ({
      exitCode: -1,
      stderr: String(error),
    }));
    if (run.exitCode !== 0)
      throw new PreflightError(
        `the analysis worker needs ${name} and cannot run ${program} (${run.stderr.trim().slice(0, 200)}): run scripts/setup.sh, or set ${setting}`,
      );
  }
  if (!existsSync(env.ASC_RULES))
    throw new PreflightError(
      `the analysis worker needs the Semgrep rule pack and ${env.ASC_RULES} is missing: set ASC_RULES to the project's rules/ folder`,
    );
}

/** What a queue's worker needs, checked before anything connects to Temporal. */
export interface QueueSetup {
  kind: QueueKind;
  activities?: object;
  maxConcurrentActivityTaskExecutions?: number;
  /** Releases what the queue holds beyond the worker (the sandbox pool's containers). */
  close?: () => Promise<void>;
}

/** Releases what the queues hold beyond their workers, once the workers have stopped. */
export async function closeQueues(setups: QueueSetup[]): Promise<void> {
  for (const setup of setups) await setup.close?.();
}

/** Checks that the queue's real parts answer and builds its activities; refuses with a reason. */
export async function prepareQueue(kind: QueueKind, env: Env): Promise<QueueSetup> {
  switch (kind) {
    case 'workflows':
      return { kind };
    case 'llm': {
      if (!llmConfigured(env))
        throw new PreflightError('the llm worker needs an endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY if the endpoint wants one)');
      const client = createLlmClient({ baseURL: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, timeoutS: env.ASC_LLM_TIMEOUT_S });
      return {
        kind,
        activities: createLlmActivities({
          client,
          endpoint: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
          structuredOutputs: env.ASC_STRUCTURED_OUTPUTS,
        }),
        maxConcurrentActivityTaskExecutions: env.ASC_LLM_CONCURRENCY,
      };
    }
    case 'analysis':
      await checkAnalysers(env);
      return {
        kind,
        activities: createAnalysisActivities({
          bandit: env.ASC_BANDIT,
          semgrep: { program: env.ASC_SEMGREP, rules: env.ASC_RULES },
          python: env.ASC_PYTHON,
        }),
      };
    case 'sandbox': {
      const docker = dockerFromEnv();
      await checkSandbox(docker, env.ASC_SANDBOX_IMAGE);
      await reapLeftovers(docker);
      // A crashed worker's container may still be running now: look again every minute.
      setInterval(() => void reapLeftovers(docker).catch(() => undefined), REAP_EVERY_MS).unref();
      const pool =
        env.ASC_SANDBOX_POOL > 0
          ? new ContainerPool(docker, env.ASC_SANDBOX_IMAGE, SANDBOX_LIMITS, {
              size: env.ASC_SANDBOX_POOL,
              maxIdleMs: POOL_MAX_IDLE_MS,
              owner: `${hostname()}-${process.pid}`,
            })
          : undefined;
      return {
        kind,
        activities: createSandboxActivities({ docker, image: env.ASC_SANDBOX_IMAGE, limits: SANDBOX_LIMITS, pool }),
        maxConcurrentActivityTaskExecutions: env.ASC_SANDBOX_CONCURRENCY,
        close: () => pool?.drain() ?? Promise.resolve(),
      };
    }
  }
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Tests bundle the workflow code once and share it (without the codec's failure converter). */
  workflowBundle?: WorkflowBundleOption;
  /** The payload codec, when payloads are encrypted: every worker and client must share it. */
  dataConverter?: DataConverter;
}

export function createWorker(setup: QueueSetup, options: WorkerOptions): Promise<Worker> {
  const base = {
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: TASK_QUEUES[setup.kind],
    dataConverter: options.dataConverter,
  };
  if (setup.kind === 'workflows') {
    return Worker.create({
      ...base,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    });
  }
  return Worker.create({
    ...base,
    activities: setup.activities,
    ...(setup.maxConcurrentActivityTaskExecutions !== undefined
      ? { maxConcurrentActivityTaskExecutions: setup.maxConcurrentActivityTaskExecutions }
      : {}),
  });
}
