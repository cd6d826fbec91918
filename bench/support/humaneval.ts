import type { Client } from '@temporalio/client';
import { priceOf, priceTable } from '../../src/client/prices.js';
import { behaviourTests } from '../../src/client/tests-input.js';
import { collectTasks, startBatch } from '../../src/client/batch.js';
import { BatchOutcomeSchema, type BatchOutcome } from '../../src/common/schemas/index.js';
import type { HardenResult, TestRun } from '../../src/common/schemas/index.js';
import type { HumanEvalTask } from '../../test/support/data.js';

/**
 * The functionality benchmark: HumanEval tasks hardened from their prompts (the Coding agent
 * writes each function), each with its `check` as the run's behaviour tests, as one batch. It
 * measures what hardening does to working code: pass@1 of the code the model wrote and of the
 * hardened code, the repairs refused for breaking a test, and the security verdicts.
 */

export interface HumanEvalRow {
  id: string;
  verdict: HardenResult['verdict'] | 'failed';
  /** Every test passed with the generated code, and with the hardened code. */
  generatedPasses: boolean;
  hardenedPasses: boolean;
  /** Repairs (static and fuzz) refused because they broke a test that passed. */
  refusedRepairs: number;
  /** Why the run failed, when it did. */
  error: string | null;
}

export interface HumanEvalReport {
  rows: HumanEvalRow[];
  /** The batch's own totals (its summary's functional pass rate). */
  functional: BatchOutcome['totals']['functional'];
  /** What the model calls cost: the batch's totals (cost where the price table knows the model). */
  spend: { tokens: number; calls: number; costUsd: number | null };
  wallSeconds: number;
}

const allPass = (run: TestRun) => run.failed.length === 0;

export async function runHumanEval(
  client: Client,
  tasks: HumanEvalTask[],
  options: { model: string; concurrency: number; mutations?: number },
): Promise<HumanEvalReport> {
  const batchId = `humaneval-${Date.now()}`;
  const started = Date.now();
  const batchTasks = tasks.map((t) => ({
    id: t.task_id.replace('/', '-'),
    prompt: t.prompt,
    tests: behaviourTests(t.test, t.entry_point, t.prompt),
  }));
  const price = priceOf(options.model, priceTable(process.env.ASC_PRICES));
  await startBatch(
    client,
    {
      tasks: batchTasks,
      total: batchTasks.length,
      settings: { llm: { model: options.model, price }, fuzz: { mutations: options.mutations } },
      concurrency: options.concurrency,
    },
    batchId,
  );
  const outcome = BatchOutcomeSchema.parse(await client.workflow.getHandle(batchId).result());
  const wallSeconds = (Date.now() - started) / 1000;
  const records = new Map((await collectTasks(client, batchId, batchTasks.length)).map((r) => [r.id, r]));
  const rows = batchTasks.map((t): HumanEvalRow => {
    const record = records.get(t.id);
    const result = record?.result ?? null;
    if (!result?.tests)
      return {
        id: t.id,
        verdict: 'failed',
        generatedPasses: false,
        hardenedPasses: false,
        refusedRepairs: 0,
        error: record?.error ?? 'no result',
      };
    const refusedRepairs =
      result.staticRounds.filter((r) => r.brokenTests.length > 0).length +
      result.fuzz.repairRounds.filter((r) => r.brokenTests.length > 0).length;
    return {
      id: t.id,
      verdict: result.verdict,
      generatedPasses: allPass(result.tests.before),
      hardenedPasses: allPass(result.tests.after),
      refusedRepairs,
      error: null,
    };
  });
  const { usage, llmCalls, costUsd } = outcome.totals;
  return {
    rows,
    functional: outcome.totals.functional,
    spend: { tokens: usage.prompt + usage.completion, calls: llmCalls, costUsd: price ? costUsd : null },
    wallSeconds,
  };
}

const pct = (n: number, of: number) => `${n}/${of} (${of === 0 ? '0.0' : ((100 * n) / of).toFixed(1)}%)`;

export function humanEvalTable(report: HumanEvalReport): string {
  const { rows } = report;
  const count = (test: (r: HumanEvalRow) => boolean) => rows.filter(test).length;
  const verdicts = new Map<string, number>();
  for (const r of rows) verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
  const lines = [
    `${rows.length} HumanEval tasks hardened from their prompts in ${report.wallSeconds.toFixed(0)} s`,
    `pass@1 of the generated code: ${pct(
      count((r) => r.generatedPasses),
      rows.length,
    )}`,
    `pass@1 of the hardened code:  ${pct(
      count((r) => r.hardenedPasses),
      rows.length,
    )}`,
    `tasks that passed before and fail after hardening: ${count((r) => r.generatedPasses && !r.hardenedPasses)}`,
    `repairs refused for breaking a passing test: ${rows.reduce((n, r) => n + r.refusedRepairs, 0)} (in ${count((r) => r.refusedRepairs > 0)} task(s))`,
    `security verdicts: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}`,
    `the batch's own summary: ${report.functional.passedBefore}/${report.functional.tasks} before, ${report.functional.passedAfter}/${report.functional.tasks} after`,
    `model spend: ${report.spend.calls} requests, ${report.spend.tokens} tokens${report.spend.costUsd !== null ? `, $${report.spend.costUsd.toFixed(4)}` : ' (no price for the model: set ASC_PRICES)'}`,
  ];
  const failed = rows.filter((r) => r.error !== null);
  if (failed.length > 0)
    lines.push(`runs that failed (${failed.length}):`, ...failed.slice(0, 10).map((r) => `  ${r.id}: ${r.error ?? ''}`));
  return lines.join('\n');
}
