import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadEnv, type Env } from '../../src/common/config.js';
import type { QueueKind } from '../../src/common/queues.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/common/search-attributes.js';
import { createWorker, prepareQueue, WORKFLOWS_PATH } from '../../src/workers/create.js';

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

/** Bundling takes seconds: once per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => console.error(m) } });
  return bundle;
}

export function temporalCli(): string {
  const path = process.env.ASC_TEMPORAL_CLI;
  if (!path) throw new Error('ASC_TEMPORAL_CLI is not set: run the tests through scripts/test.sh');
  return path;
}

export async function startStack(options: { queues: QueueKind[]; llmUrl?: string; extraEnv?: Record<string, string> }): Promise<Stack> {
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCli() }, log: { format: 'pretty', level: 'error' }, searchAttributes: ALL_SEARCH_ATTRIBUTES },
  });
  const env = loadEnv({
    ...process.env,
    ...(options.llmUrl ? { OPENAI_BASE_URL: options.llmUrl, OPENAI_API_KEY: 'scripted' } : {}),
    ...options.extraEnv,
  });
  const workers: Worker[] = [];
  try {
    const workflowBundleOption = await workflowBundle();
    for (const kind of options.queues) {
      const setup = await prepareQueue(kind, env);
      workers.push(await createWorker(setup, { connection: testEnv.nativeConnection, namespace: testEnv.namespace ?? 'default', workflowBundle: workflowBundleOption }));
    }
  } catch (error) {
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
      for (const outcome of await Promise.allSettled(running)) if (outcome.status === 'rejected') console.error('a worker failed:', outcome.reason);
      await testEnv.teardown();
    },
  };
}
