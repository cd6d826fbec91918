import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { collectTasks, startBatch } from '../src/client/batch.js';
import { answerApproval, startHarden } from '../src/client/client.js';
import { BatchOutcomeSchema } from '../src/common/schemas/index.js';
import { SEARCH_ATTRIBUTES } from '../src/common/search-attributes.js';
import { HardenResultSchema, type HardenRequestInput, type HardenResult } from '../src/common/schemas/index.js';
import { SANDBOX_LABEL } from '../src/activities/sandbox/container.js';
import { dockerFromEnv } from '../src/workers/create.js';
import { awaitingApproval } from './support/approval.js';
import { DevServer, freePort, WorkerProcess } from './support/processes.js';
import { ScriptedLlm, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_TASK, securityAwareModel } from './support/scenarios.js';
import { batchContainers, idleContainers } from './support/containers.js';

/**
 * Crash recovery on real processes: a worker killed with SIGKILL mid-step and a dev server
 * restarted on its database file cost a pause, not the run, and no finished LLM call is paid
 * for twice. Each crash waits out a heartbeat timeout (20 s) before the step is retried.
 */

/** The fuzz target sleeps a little per input, so a batch is still running when we strike. */
const SLOW_FUZZ = AVERAGE_FRAGILE.replace(
  '    words = text.split()\n',
  '    import time\n    time.sleep(0.05)\n    words = text.split()\n',
);

/** What must not change because of a crash (timings may). */
function essence(result: HardenResult) {
  return {
    verdict: result.verdict,
    finalCode: result.finalCode,
    staticRounds: result.staticRounds,
    failures: result.fuzz.failures.map((f) => f.input.id).sort(),
    remaining: result.remainingFailures.map((f) => f.input.id).sort(),
    findingsAfter: result.findingsAfter,
    steps: result.steps.map((s) => s.action).sort(),
  };
}

describe('crash recovery (real dev server and worker processes)', () => {
  let server: DevServer;
  let llm: ScriptedLlm;
  let client: Client;
  let connection: Connection;
  let workers: WorkerProcess | null = null;
  let onReview: (() => void) | null = null;
  let workerEnv: Record<string, string>;

  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'asc-recovery-'));
    server = new DevServer(join(dir, 'temporal.db'), await freePort());
    await server.start();
    llm = await ScriptedLlm.start((req: ChatRequest): Reply => {
      if (req.agent === 'static-analyser' && onReview) {
        const notify = onReview;
        onReview = null;
        notify();
        return { delayMs: 3000, content: securityAwareModel(req) as string };
      }
      return securityAwareModel(req);
    });
    workerEnv = { TEMPORAL_ADDRESS: server.address, OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'scripted' };
    workers = await WorkerProcess.start(workerEnv);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });

  after(async () => {
    await workers?.stop();
    await connection.close();
    await server.stop();
    await llm.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(request: HardenRequestInput, id: string): Promise<{ result: HardenResult; ms: number; requests: number }> {
    const before = llm.requests.length;
    const started = performance.now();
    await startHarden(client, request, id);
    const result = HardenResultSchema.parse(await client.workflow.getHandle(id).result());
    return { result, ms: performance.now() - started, requests: llm.requests.length - before };
  }

  async function replaceWorkers(): Promise<void> {
    await workers?.kill();
    workers = await WorkerProcess.start(workerEnv);
  }

  /** Waits until a sandbox container of the run is up, and returns the ids of those that are. */
  async function whenSandboxRuns(workflowId: string): Promise<string[]> {
    const docker = dockerFromEnv();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const running = await batchContainers(docker, { workflowId });
      if (running.length > 0) return running.map((c) => c.Id);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no sandbox container for ${workflowId} within 60 s`);
  }

  /** Seconds until none of these containers exists any more, running or exited; fails past 60 s. */
  async function goneWithin60s(ids: string[]): Promise<number> {
    const docker = dockerFromEnv();
    const started = performance.now();
    for (;;) {
      const left = (await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } })).filter((c) => ids.includes(c.Id));
      if (left.length === 0) return (performance.now() - started) / 1000;
      assert.ok(
        performance.now() - started < 60_000,
        `${left.length} container(s) of the killed worker still exist after 60 s: ${left.map((c) => c.State).join(', ')}`,
      );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('a worker killed mid static round: same result, no finished LLM call repeated', async (t) => {
    const request: HardenRequestInput = { prompt: LIST_TASK, source: 'list.py', llm: { model: 'scripted' }, fuzz: { mutations: 40 } };
    const reference = await run(request, 'recovery-static-reference');
    const reviewing = new Promise<void>((resolve) => (onReview = resolve));
    const crashed = run(request, 'recovery-static-crash');
    await reviewing;
    await replaceWorkers();
    const { result, ms, requests } = await crashed;
    assert.deepEqual(essence(result), essence(reference.result));
    assert.ok(
      requests <= reference.requests + 1,
      `${requests} LLM calls against ${reference.requests} without the crash: only the call in flight may repeat`,
    );
    t.diagnostic(`time lost to a worker kill mid static round: ${((ms - reference.ms) / 1000).toFixed(1)} s`);
  });

  it('a worker killed mid fuzz batch: the batch runs again and the run finishes the same', async (t) => {
    const request: HardenRequestInput = { code: SLOW_FUZZ, source: 'slow.py', llm: null, fuzz: { mutations: 60 } };
    const reference = await run(request, 'recovery-fuzz-reference');
    const crashed = run(request, 'recovery-fuzz-crash');
    const orphans = await whenSandboxRuns('recovery-fuzz-crash');
    // The worker's warm containers, waiting for batches, must go with it too.
    const idle = (await idleContainers(dockerFromEnv())).map((c) => c.Id);
    await workers?.kill();
    // No reaper runs now: the harness sees its stdin close and exits, and the engine removes it.
    const seconds = await goneWithin60s([...orphans, ...idle]);
    t.diagnostic(`the killed worker's containers were gone ${seconds.toFixed(1)} s after the kill`);
    workers = await WorkerProcess.start(workerEnv);
    const { result, ms } = await crashed;
    assert.deepEqual(essence(result), essence(reference.result));
    t.diagnostic(`time lost to a worker kill mid fuzz batch: ${((ms - reference.ms) / 1000).toFixed(1)} s`);
    assert.deepEqual(await batchContainers(dockerFromEnv(), { all: true, workflowId: 'recovery-fuzz-crash' }), []);
  });

  it('a batch survives a worker kill mid task and a server restart: every task finishes once', async () => {
    const tasks = [0, 1, 2].map((i) => ({ id: `slow-${i}`, code: SLOW_FUZZ }));
    await startBatch(
      client,
      { tasks, total: 3, settings: { llm: null, fuzz: { mutations: 60 } }, concurrency: 2, tasksPerRun: 2 },
      'recovery-batch',
    );
    const orphans = await whenSandboxRuns('recovery-batch/slow-0');
    await replaceWorkers();
    await goneWithin60s(orphans);
    await server.stop();
    await server.start();
    const outcome = BatchOutcomeSchema.parse(await client.workflow.getHandle('recovery-batch').result());
    // Each task's crashes are robustness issues beside a secure verdict, the same for all three.
    assert.deepEqual([outcome.totals.done, outcome.totals.secure, outcome.totals.failed], [3, 3, 0]);
    const runs = await collectTasks(client, 'recovery-batch', 3);
    assert.deepEqual(runs.map((r) => r.id).sort(), ['slow-0', 'slow-1', 'slow-2']);
    assert.ok(runs.every((r) => r.status === 'completed'));
    assert.deepEqual(await batchContainers(dockerFromEnv(), { all: true }), [], 'no container of the batch is left');
  });

  it('a worker killed while the run waits for approval: the run still waits, and the approval lands', async () => {
    const id = 'recovery-approval';
    await startHarden(
      client,
      { code: AVERAGE_FRAGILE, source: 'average.py', llm: null, fuzz: { mutations: 20 }, approval: { mode: 'final', timeoutMs: null } },
      id,
    );
    await awaitingApproval(client, id);
    await replaceWorkers();
    // The new workers rebuild the waiting run from its history: it answers the query and takes the update.
    assert.equal((await awaitingApproval(client, id)).label, 'the final code');
    const decision = await answerApproval(client, id, 'approve', { by: 'alice', reason: 'after the crash' });
    assert.equal(decision.decision, 'approved');
    const result = HardenResultSchema.parse(await client.workflow.getHandle(id).result());
    assert.equal(result.accepted, true);
    assert.deepEqual(
      result.approvals.map((d) => d.by),
      ['alice'],
    );
  });

  it('the dev server stopped and restarted on the same database mid-run: the run finishes', async () => {
    const request: HardenRequestInput = { code: SLOW_FUZZ, source: 'slow.py', llm: null, fuzz: { mutations: 60 } };
    const reference = await run(request, 'recovery-server-reference');
    await startHarden(client, request, 'recovery-server-restart');
    await whenSandboxRuns('recovery-server-restart');
    await server.stop();
    await server.start();
    const handle = client.workflow.getHandle('recovery-server-restart');
    const result = HardenResultSchema.parse(await handle.result());
    assert.deepEqual(essence(result), essence(reference.result));
    // This server started without them: the workers registered the search attributes.
    assert.equal((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.verdict), result.verdict);
  });
});
