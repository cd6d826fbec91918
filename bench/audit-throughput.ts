/**
 * Audit speed on real parts (dev server, workers in this process, Bandit, Semgrep, containers):
 * one audit of examples/compress_logs.py through the CLI, CLI start to report, with where its
 * time goes by step kind, without and with the warm sandbox pool (a stack each, same process);
 * then SALLM audits as one batch at each concurrency of a sweep.
 *
 *   bash scripts/bench.sh audit-throughput [runs=5] [sallm tasks=100] [concurrencies=2,4,8]
 */
import { performance } from 'node:perf_hooks';
import { startBatch } from '../src/client/batch.js';
import { BatchOutcomeSchema } from '../src/common/schemas/index.js';
import { HardenResultSchema, type HardenResult } from '../src/common/schemas/index.js';
import { runCli } from '../test/support/cli.js';
import { sallmTasks } from '../test/support/data.js';
import { startStack } from '../test/support/stack.js';
import { median } from './support/median.js';

const runs = Number(process.argv[2] ?? 5);
const taskCount = Number(process.argv[3] ?? 100);
const concurrencies = (process.argv[4] ?? '2,4,8').split(',').map(Number);

/** Milliseconds the run's steps took, by kind of step (steps of a kind may overlap: the batches of a re-check). */
function byKind(result: HardenResult): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const step of result.steps) kinds.set(step.agent, (kinds.get(step.agent) ?? 0) + step.durationMs);
  return kinds;
}

/** One audit through the CLI, `runs` times after a warm-up, on a stack whose sandbox worker keeps `pool` warm containers. */
async function singleAudits(pool: number): Promise<{ walls: number[]; kinds: Map<string, number[]> }> {
  const stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'], extraEnv: { ASC_SANDBOX_POOL: String(pool) } });
  const env = {
    TEMPORAL_ADDRESS: stack.testEnv.address,
    TEMPORAL_NAMESPACE: stack.testEnv.namespace ?? 'default',
    OPENAI_BASE_URL: undefined,
    OPENAI_API_KEY: undefined,
  };
  const walls: number[] = [];
  const kinds = new Map<string, number[]>();
  try {
    for (let i = 0; i <= runs; i++) {
      // Runs a second apart, as a user's: the pool refills between them.
      await new Promise((r) => setTimeout(r, 1_000));
      const started = performance.now();
      const run = await runCli(['harden', '--code-file', 'examples/compress_logs.py', '--json'], env);
      const wall = performance.now() - started;
      if (run.code === 2 || run.code === null) throw new Error(`the audit failed: ${run.stderr}`);
      // The first warms the image cache and the workers' bundles; it is not counted.
      if (i === 0) continue;
      walls.push(wall);
      for (const [kind, ms] of byKind(HardenResultSchema.parse(JSON.parse(run.stdout)))) kinds.set(kind, [...(kinds.get(kind) ?? []), ms]);
    }
  } finally {
    await stack.stop();
  }
  return { walls, kinds };
}

const describeAudits = ({ walls, kinds }: { walls: number[]; kinds: Map<string, number[]> }) =>
  `p50 ${(median(walls) / 1000).toFixed(2)} s over ${runs} runs (min ${(Math.min(...walls) / 1000).toFixed(2)}, max ${(Math.max(...walls) / 1000).toFixed(2)}); step time by kind, median ms: ${[...kinds].map(([k, ms]) => `${k} ${median(ms).toFixed(0)}`).join(', ')}`;

const baseline = await singleAudits(0);
const pooled = await singleAudits(2);
console.log('one audit of examples/compress_logs.py, CLI start to report:');
console.log(`  a container started per batch (ASC_SANDBOX_POOL=0): ${describeAudits(baseline)}`);
console.log(`  warm pool of 2 (the default):                        ${describeAudits(pooled)}`);
console.log(`  ratio: ${(median(baseline.walls) / median(pooled.walls)).toFixed(2)}x`);

const stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });
try {
  const tasks = sallmTasks()
    .slice(0, taskCount)
    .map((t) => ({ id: t.id, code: t.insecure_code }));
  for (const concurrency of concurrencies) {
    const id = `audit-throughput-${concurrency}-${Date.now()}`;
    const started = performance.now();
    await startBatch(stack.testEnv.client, { tasks, total: tasks.length, settings: { llm: null }, concurrency }, id);
    const outcome = BatchOutcomeSchema.parse(await stack.testEnv.client.workflow.getHandle(id).result());
    const seconds = (performance.now() - started) / 1000;
    const t = outcome.totals;
    console.log(
      `${tasks.length} SALLM audits at concurrency ${concurrency}: ${seconds.toFixed(0)} s (${(seconds / tasks.length).toFixed(2)} s a task; ${t.secure} secure, ${t.vulnerable} vulnerable, ${t.couldNotVerify} could not verify, ${t.failed} failed)`,
    );
  }
} finally {
  await stack.stop();
}
