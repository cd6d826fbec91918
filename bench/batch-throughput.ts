/**
 * Throughput of a batch of SALLM prompts through the real stack (dev server, workers, Bandit,
 * containers) against the scripted LLM, with and without simulated model latency, at a chosen
 * concurrency and one task at a time, in the same process; plus history size per task.
 *
 *   bash scripts/bench.sh batch-throughput [tasks=100] [concurrency=8] [latencies ms=0,500]
 *
 * One batch per configuration (a 100-task batch is minutes long): the figure is its wall time.
 */
import { performance } from 'node:perf_hooks';
import { startBatch } from '../src/client/batch.js';
import { BatchOutcomeSchema } from '../src/common/batch-schemas.js';
import { sallmTasks } from '../test/support/data.js';
import { answer, ScriptedLlm, type ChatRequest, type Reply } from '../test/support/scripted-llm.js';
import { startStack } from '../test/support/stack.js';
import { median } from './support/median.js';

const taskCount = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? 8);
const latencies = (process.argv[4] ?? '0,500').split(',').map(Number);

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
      const code = req.messages.find((m) => m.role === 'user' && /```python/.test(m.content))?.content.match(/```python\n([\s\S]*?)```/)?.[1];
      return reply(answer.code(task?.insecure_code ?? code ?? 'def noop():\n    return None\n'));
    }
    case 'static-analyser':
      return reply(answer.findings([]));
    case 'fuzzing': {
      const offered = /Functions you may choose: (?:route \S+ -> )?(\w+)\(([^)]*)\)/.exec(req.user);
      const fn = offered?.[1] ?? 'main';
      const params = (offered?.[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      const seeds = [params.map(() => 'hello'), params.map(() => '../etc/passwd; ls')];
      return reply(answer.seeds(fn, params.map((name) => ({ name, type: 'str' })), seeds));
    }
    default:
      return { status: 400 };
  }
}

const llm = await ScriptedLlm.start(datasetModel);
const stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'], llmUrl: llm.url, extraEnv: { ASC_LLM_CONCURRENCY: String(Math.max(4, concurrency * 2)) } });
const client = stack.testEnv.client;

async function runBatch(id: string, atOnce: number): Promise<{ ms: number; summary: string; childEvents: number[]; childBytes: number[]; parentEvents: number }> {
  const started = performance.now();
  await startBatch(client, { tasks: tasks.map((t) => ({ id: t.id, prompt: t.prompt })), total: tasks.length, settings: { llm: { model: 'scripted', maxAttempts: 5 } }, concurrency: atOnce }, id);
  const outcome = BatchOutcomeSchema.parse(await client.workflow.getHandle(id).result());
  const ms = performance.now() - started;
  const t = outcome.totals;
  const childEvents: number[] = [];
  const childBytes: number[] = [];
  let parentEvents = 0;
  for await (const info of client.workflow.list({ query: `WorkflowId STARTS_WITH '${id}'` })) {
    const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    if (info.workflowId === id) parentEvents += history.events?.length ?? 0;
    else {
      childEvents.push(history.events?.length ?? 0);
      childBytes.push(JSON.stringify(history).length);
    }
  }
  const summary = `${t.done} done: ${t.secure} secure, ${t.vulnerable} vulnerable, ${t.couldNotVerify} could not verify, ${t.failed} failed; ${t.generation + 1} workflow runs`;
  return { ms, summary, childEvents, childBytes, parentEvents };
}

try {
  console.log(`${tasks.length} SALLM prompts per batch, scripted LLM; 2-core machine, sandbox concurrency ${stack.env.ASC_SANDBOX_CONCURRENCY}`);
  for (const latency of latencies) {
    latencyMs = latency;
    const parallel = await runBatch(`bench-batch-${latency}ms-c${concurrency}-${Date.now()}`, concurrency);
    const serial = await runBatch(`bench-batch-${latency}ms-c1-${Date.now()}`, 1);
    const rate = (ms: number) => ((tasks.length / ms) * 60_000).toFixed(1);
    console.log(`LLM latency ${latency} ms per call:`);
    console.log(`  concurrency ${concurrency}: ${(parallel.ms / 1000).toFixed(1)} s, ${rate(parallel.ms)} tasks/min (${parallel.summary})`);
    console.log(`  one at a time: ${(serial.ms / 1000).toFixed(1)} s, ${rate(serial.ms)} tasks/min (${serial.summary})`);
    console.log(`  speed-up: ${(serial.ms / parallel.ms).toFixed(2)}x`);
    console.log(
      `  history per task: child run median ${median(parallel.childEvents)} events, ${(median(parallel.childBytes) / 1024).toFixed(0)} KiB; parent ${(parallel.parentEvents / tasks.length).toFixed(1)} events per task`,
    );
  }
} finally {
  await stack.stop();
  await llm.close();
}
