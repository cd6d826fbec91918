/**
 * Throughput of a batch of SALLM prompts through the real stack (dev server, workers, Bandit,
 * containers) against the scripted LLM, with and without simulated model latency, at a chosen
 * concurrency and one task at a time, in the same process; plus history size per task.
 *
 *   bash scripts/bench.sh batch-throughput [tasks=100] [concurrency=8] [latencies ms=0,500] [one-at-a-time tasks=25]
 *
 * The scripted model answers with the dataset's insecure code and cannot repair it, so every
 * repair round would be spent in vain: runs get one static and one fuzz repair round. The
 * one-at-a-time baseline runs the first tasks of the same list (a 100-task serial batch takes
 * most of an hour here); rates in tasks per minute are compared. One batch per configuration.
 */
import { performance } from 'node:perf_hooks';
import { startBatch } from '../src/client/batch.js';
import { BatchOutcomeSchema } from '../src/common/schemas/index.js';
import { sallmTasks } from '../test/support/data.js';
import { answer, ScriptedLlm, type ChatRequest, type Reply } from '../test/support/scripted-llm.js';
import { startStack } from '../test/support/stack.js';
import { median } from './support/median.js';

const taskCount = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? 8);
const latencies = (process.argv[4] ?? '0,500').split(',').map(Number);
const serialCount = Number(process.argv[5] ?? 25);

const tasks = sallmTasks().slice(0, taskCount);
let latencyMs = 0;

/**
 * A model that writes the dataset's own (insecure) answer for each prompt, finds nothing on
 * review, repairs nothing, and writes string seeds for the first function offered.
 */
function datasetModel(req: ChatRequest): Reply {
  const reply = (content: string): Reply => (latencyMs > 0 ? { delayMs: latencyMs, content } : content);
  switch (req.agent) {
    case 'coding': {
      const task = tasks.find((t) => req.user.includes(t.prompt.trim()));
      const code = req.messages
        .find((m) => m.role === 'user' && /```python/.test(m.content))
        ?.content.match(/```python\n([\s\S]*?)```/)?.[1];
      return reply(answer.code(task?.insecure_code ?? code ?? 'def noop():\n    return None\n'));
    }
    case 'static-analyser':
      return reply(answer.findings([]));
    case 'fuzzing': {
      const offered = /Functions you may choose: (?:route \S+ -> )?(\w+)\(([^)]*)\)/.exec(req.user);
      const fn = offered?.[1] ?? 'main';
      const params = (offered?.[2] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const seeds = [params.map(() => 'hello'), params.map(() => '../etc/passwd; ls')];
      return reply(
        answer.seeds(
          fn,
          params.map((name) => ({ name, type: 'str' })),
          seeds,
        ),
      );
    }
    default:
      return { status: 400 };
  }
}

const llm = await ScriptedLlm.start(datasetModel);
const stack = await startStack({
  queues: ['workflows', 'llm', 'analysis', 'sandbox'],
  llmUrl: llm.url,
  extraEnv: { ASC_LLM_CONCURRENCY: String(Math.max(4, concurrency * 2)) },
});
const client = stack.testEnv.client;

async function runBatch(
  id: string,
  atOnce: number,
  count: number,
): Promise<{
  ms: number;
  summary: string;
  childEvents: number[];
  childBytes: number[];
  wrapperEvents: number[];
  parentEvents: number;
  parentBytes: number;
}> {
  const started = performance.now();
  const chosen = tasks.slice(0, count).map((t) => ({ id: t.id, prompt: t.prompt }));
  const settings = { llm: { model: 'scripted' }, maxStaticRounds: 1, fuzz: { maxRepairRounds: 1 } };
  await startBatch(client, { tasks: chosen, total: chosen.length, settings, concurrency: atOnce }, id);
  const outcome = BatchOutcomeSchema.parse(await client.workflow.getHandle(id).result());
  const ms = performance.now() - started;
  const t = outcome.totals;
  const childEvents: number[] = [];
  const childBytes: number[] = [];
  const wrapperEvents: number[] = [];
  let parentEvents = 0;
  let parentBytes = 0;
  // The batch's runs, each task's wrapper (ID#task) and each task's hardening run (ID/task).
  for await (const info of client.workflow.list({ query: `WorkflowId STARTS_WITH '${id}'` })) {
    const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    const events = history.events?.length ?? 0;
    if (info.workflowId === id) {
      parentEvents += events;
      parentBytes += JSON.stringify(history).length;
    } else if (info.workflowId.startsWith(`${id}#`)) wrapperEvents.push(events);
    else {
      childEvents.push(events);
      childBytes.push(JSON.stringify(history).length);
    }
  }
  const summary = `${t.done} done: ${t.secure} secure, ${t.vulnerable} vulnerable, ${t.couldNotVerify} could not verify, ${t.failed} failed; ${t.generation + 1} workflow runs`;
  return { ms, summary, childEvents, childBytes, wrapperEvents, parentEvents, parentBytes };
}

try {
  console.log(
    `${tasks.length} SALLM prompts per batch, scripted LLM; 2-core machine, sandbox concurrency ${stack.env.ASC_SANDBOX_CONCURRENCY}`,
  );
  for (const latency of latencies) {
    latencyMs = latency;
    const parallel = await runBatch(`bench-batch-${latency}ms-c${concurrency}-${Date.now()}`, concurrency, tasks.length);
    const serial = await runBatch(`bench-batch-${latency}ms-c1-${Date.now()}`, 1, serialCount);
    const rate = (ms: number, n: number) => (n / ms) * 60_000;
    console.log(`LLM latency ${latency} ms per call:`);
    const [fast, slow] = [rate(parallel.ms, tasks.length), rate(serial.ms, serialCount)];
    console.log(
      `  ${tasks.length} tasks at concurrency ${concurrency}: ${(parallel.ms / 1000).toFixed(1)} s, ${fast.toFixed(1)} tasks/min (${parallel.summary})`,
    );
    console.log(
      `  first ${serialCount} one at a time: ${(serial.ms / 1000).toFixed(1)} s, ${slow.toFixed(1)} tasks/min (${serial.summary})`,
    );
    console.log(`  throughput ratio: ${(fast / slow).toFixed(2)}x`);
    console.log(
      `  history per task: hardening run median ${median(parallel.childEvents)} events, ${(median(parallel.childBytes) / 1024).toFixed(0)} KiB; task wrapper median ${median(parallel.wrapperEvents)} events; batch ${(parallel.parentEvents / tasks.length).toFixed(1)} events and ${(parallel.parentBytes / tasks.length / 1024).toFixed(1)} KiB per task`,
    );
  }
} finally {
  await stack.stop();
  await llm.close();
}
