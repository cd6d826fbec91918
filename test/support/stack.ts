import { after, before } from 'node:test';
import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startHarden } from '../../src/client/client.js';
import { loadEnv, type Env } from '../../src/common/config.js';
import type { QueueKind } from '../../src/common/queues.js';
import { ScriptedLlm, type Responder } from './scripted-llm.js';
import { HardenResultSchema, type HardenRequestInput, type HardenResult } from '../../src/common/schemas/index.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/common/search-attributes.js';
import { closeQueues, createWorker, prepareQueue, WORKFLOWS_PATH, type QueueSetup } from '../../src/workers/create.js';

/**
 * A real Temporal dev server (the project's `temporal` CLI, via the SDK's test environment) with
 * the real workers of the given queues running in this process.
 */
export interface Stack {
  testEnv: TestWorkflowEnvironment;
  env: Env;
  stop(): Promise<void>;
}

// Worker state changes at INFO would drown the test report; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The bundler's progress would drown the test report; its errors still show. */
export const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

/** Bundling takes seconds: once per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return bundle;
}

export function temporalCli(): string {
  const path = process.env.ASC_TEMPORAL_CLI;
  if (!path) throw new Error('ASC_TEMPORAL_CLI is not set: run the tests through scripts/test.sh');
  return path;
}

export async function startStack(options: { queues: QueueKind[]; llmUrl?: string; extraEnv?: Record<string, string> }): Promise<Stack> {
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli() },
      log: { format: 'pretty', level: 'error' },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });
  const env = loadEnv({
    ...process.env,
    ...(options.llmUrl ? { OPENAI_BASE_URL: options.llmUrl, OPENAI_API_KEY: 'scripted' } : {}),
    ...options.extraEnv,
  });
  const workers: Worker[] = [];
  const setups: QueueSetup[] = [];
  try {
    const workflowBundleOption = await workflowBundle();
    for (const kind of options.queues) {
      const setup = await prepareQueue(kind, env);
      setups.push(setup);
      workers.push(
        await createWorker(setup, {
          connection: testEnv.nativeConnection,
          namespace: testEnv.namespace ?? 'default',
          workflowBundle: workflowBundleOption,
        }),
      );
    }
  } catch (error) {
    await closeQueues(setups);
    await testEnv.teardown();
    throw error;
  }
  const running = workers.map((w) => w.run());
  return {
    testEnv,
    env,
    async stop() {
      // A worker that failed has stopped already; its reason is in `running`.
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      for (const outcome of await Promise.allSettled(running))
        if (outcome.status === 'rejected') console.error('a worker failed:', outcome.reason);
      await closeQueues(setups);
      await testEnv.teardown();
    },
  };
}

/** Starts a run through the client, as `asc harden` does, and waits for its result. */
export async function hardenOn(stack: Stack, request: HardenRequestInput, id: string): Promise<HardenResult> {
  await startHarden(stack.testEnv.client, request, id);
  return HardenResultSchema.parse(await stack.testEnv.client.workflow.getHandle(id).result());
}

export interface ScriptedSuite {
  readonly llm: ScriptedLlm;
  readonly stack: Stack;
  harden: (request: HardenRequestInput, id: string) => Promise<HardenResult>;
}

/** For a test suite: the scripted model and a stack of every queue, up before its tests and down after. */
export function scriptedSuite(model: Responder): ScriptedSuite {
  let llm: ScriptedLlm | undefined;
  let stack: Stack | undefined;
  before(async () => {
    llm = await ScriptedLlm.start(model);
    stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'], llmUrl: llm.url });
  });
  after(async () => {
    await stack?.stop();
    await llm?.close();
  });
  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('the suite has not started: use it inside its tests');
    return part;
  };
  return {
    get llm() {
      return started(llm);
    },
    get stack() {
      return started(stack);
    },
    harden: (request, id) => hardenOn(started(stack), request, id),
  };
}
