import {
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  BatchInputSchema,
  BatchTaskRunInputSchema,
  type BatchInput,
  type BatchOutcome,
  type BatchProgress,
  type BatchTask,
  type BatchTaskRunInput,
  type BatchTotals,
  type TaskSummary,
} from '../common/schemas/index.js';
import { BATCH_PROGRESS_QUERY, TASK_QUEUES, WORKFLOW_TYPE } from '../common/queues.js';
import { failure } from '../common/failures.js';
import { describeZodError } from '../common/zod-error.js';
import type { Budget, HardenResult, TestRun } from '../common/schemas/index.js';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import { batchAsStarted } from './legacy.js';
import { hasPatch } from './patches.js';

export const batchProgressQuery = defineQuery<BatchProgress>(BATCH_PROGRESS_QUERY);

/** Enough to see what went wrong; a broken endpoint failing 10,000 tasks must not bloat the state. */
const MAX_RECORDED_FAILURES = 50;

export function emptyTotals(startedAtMs: number): BatchTotals {
  return {
    started: 0,
    done: 0,
    secure: 0,
    vulnerable: 0,
    couldNotVerify: 0,
    failed: 0,
    cancelled: 0,
    findingsBefore: {},
    findingsAfter: {},
    fuzzEvents: {},
    usage: { prompt: 0, completion: 0 },
    functional: { tasks: 0, passedBefore: 0, passedAfter: 0 },
    llmCalls: 0,
    costUsd: 0,
    budgetCharged: { calls: 0, tokens: 0 },
    budgetStopped: 0,
    unfunded: 0,
    failures: [],
    startedAtMs,
    generation: 0,
  };
}

function add(into: Record<string, number>, key: string, n = 1): void {
  into[key] = (into[key] ?? 0) + n;
}

/**
 * What the batch keeps of a finished run. Its first-pass failing inputs are counted by kind and
 * cause ("contract: TypeError"), so a batch's table tells weaknesses from crashes; results from
 * before failures were grouped give their causes alone.
 */
export function summarise(result: HardenResult): TaskSummary {
  const { groups, byKind } = result.fuzz.failureSummary;
  const fuzzEvents: Record<string, number> = {};
  for (const g of groups) add(fuzzEvents, `${g.kind}: ${g.label}`, g.inputs);
  const allPass = (run: TestRun) => run.failed.length === 0;
  const tests = result.tests && { before: allPass(result.tests.before), after: allPass(result.tests.after) };
  return {
    verdict: result.verdict,
    findingsBefore: result.findingsBefore,
    findingsAfter: result.findingsAfter,
    fuzzEvents: groups.length > 0 ? fuzzEvents : byKind,
    usage: result.usage,
    tests,
    llmCalls: result.spend.llmCalls,
    costUsd: result.spend.costUsd,
    stoppedByBudget: result.spend.stoppedBy !== null,
  };
}

/** Folds one finished task into the totals. */
export function recordSummary(totals: BatchTotals, summary: TaskSummary): void {
  if (summary.verdict === 'secure') totals.secure++;
  else if (summary.verdict === 'vulnerable') totals.vulnerable++;
  else totals.couldNotVerify++;
  for (const [cwe, n] of Object.entries(summary.findingsBefore)) add(totals.findingsBefore, cwe, n);
  for (const [cwe, n] of Object.entries(summary.findingsAfter)) add(totals.findingsAfter, cwe, n);
  for (const [kind, n] of Object.entries(summary.fuzzEvents)) add(totals.fuzzEvents, kind, n);
  totals.usage.prompt += summary.usage.prompt;
  totals.usage.completion += summary.usage.completion;
  totals.llmCalls += summary.llmCalls;
  totals.costUsd += summary.costUsd ?? 0;
  totals.budgetCharged.calls += summary.llmCalls;
  totals.budgetCharged.tokens += summary.usage.prompt + summary.usage.completion;
  if (summary.stoppedByBudget) totals.budgetStopped++;
  if (summary.tests) {
    totals.functional.tasks++;
    if (summary.tests.before) totals.functional.passedBefore++;
    if (summary.tests.after) totals.functional.passedAfter++;
  }
}

/** A task that did not finish is charged its whole share. */
function chargeWhole(totals: BatchTotals, grant: Budget): void {
  totals.budgetCharged.calls += grant.maxLlmCalls ?? 0;
  totals.budgetCharged.tokens += grant.maxTokens ?? 0;
}

/**
 * The share of the batch's budget the next task gets: what is left (the budget less what closed
 * tasks were charged and running ones hold), split evenly over the tasks not yet started. A
 * task that spends less leaves the rest to later ones; running tasks together never hold more
 * than is left, so the batch never overspends however many run at once.
 */
export function share(budget: Budget, totals: BatchTotals, held: Budget[], tasksLeft: number): Budget {
  const part = (limit: number | null, charged: number, holding: (b: Budget) => number | null): number | null => {
    if (limit === null) return null;
    const left = limit - charged - held.reduce((sum, b) => sum + (holding(b) ?? 0), 0);
    return Math.max(0, Math.floor(left / Math.max(1, tasksLeft)));
  };
  return {
    maxLlmCalls: part(budget.maxLlmCalls, totals.budgetCharged.calls, (b) => b.maxLlmCalls),
    maxTokens: part(budget.maxTokens, totals.budgetCharged.tokens, (b) => b.maxTokens),
  };
}

/** Why a child run failed: its own failure (which names the step), not the child wrapper's. */
function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * One task of a batch: runs the hardening as its own child (the run users look at, with the
 * full result) and hands the batch only a summary, so the batch's history stays small.
 */
export async function batchTaskWorkflow(input: BatchTaskRunInput): Promise<TaskSummary> {
  const parsed = BatchTaskRunInputSchema.safeParse(input);
  if (!parsed.success) throw failure('BadRequest', describeZodError('the batch task', parsed.error));
  try {
    // The request goes through as the batch made it; the run validates it.
    const result = await executeChild<(request: BatchTaskRunInput['request']) => Promise<HardenResult>>(WORKFLOW_TYPE, {
      workflowId: parsed.data.runId,
      taskQueue: TASK_QUEUES.workflows,
      args: [parsed.data.request],
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.batch, value: parsed.data.batchId }],
      // A cancelled task ends only after its run has stopped its containers.
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      staticSummary: `batch ${parsed.data.batchId}: ${parsed.data.request.source}`,
    });
    return summarise(result);
  } catch (error) {
    if (isCancellation(error)) throw error;
    throw failure('TaskFailed', reason(error));
  }
}

/** The state of one run of a batch: the tasks to start, the ones running, their budget shares, and the totals. */
class BatchRun {
  readonly pending: BatchTask[];
  readonly totals: BatchTotals;
  readonly running = new Set<string>();
  /** The budget share each running task holds. */
  private readonly grants = new Map<string, Budget>();
  private readonly children: Promise<void>[] = [];
  private readonly batchId = workflowInfo().workflowId;
  /** Children closed in this run (continue-as-new comes after tasksPerRun of them). */
  closed = 0;

  constructor(
    private readonly input: BatchInput,
    readonly root: CancellationScope,
  ) {
    this.pending = [...input.tasks];
    this.totals = input.totals ?? emptyTotals(Date.now());
  }

  report(): void {
    const { totals } = this;
    setCurrentDetails(
      `**batch** · ${totals.done}/${this.input.total} done: ${totals.secure} secure, ${totals.vulnerable} vulnerable, ${totals.couldNotVerify} could not verify, ${totals.failed} failed${totals.cancelled ? `, ${totals.cancelled} cancelled` : ''}`,
    );
  }

  /** Starts every task that may start now: within the concurrency, this run's share of tasks, and the history's size. */
  fill(): void {
    const { budget, concurrency, tasksPerRun } = this.input;
    const { pending, running, totals } = this;
    while (
      !this.root.consideredCancelled &&
      pending.length > 0 &&
      running.size < concurrency &&
      this.closed + running.size < tasksPerRun &&
      !workflowInfo().continueAsNewSuggested
    ) {
      const grant = budget && share(budget, totals, [...this.grants.values()], pending.length);
      const task = pending.shift();
      if (!task) break;
      if (grant && task.prompt !== undefined && (grant.maxLlmCalls === 0 || grant.maxTokens === 0)) {
        // Its code cannot be written without the model; a task with code is still analysed.
        totals.unfunded++;
        totals.done++;
        this.report();
        continue;
      }
      running.add(task.id);
      totals.started++;
      this.children.push(this.runTask(task, grant));
    }
  }

  /** Every child started, settled. */
  async settled(): Promise<void> {
    await Promise.all(this.children);
  }

  private async runTask(task: BatchTask, grant: Budget | null): Promise<void> {
    const { totals } = this;
    if (grant) this.grants.set(task.id, grant);
    try {
      const { batchId } = this;
      const request = {
        ...this.input.settings,
        ...(task.prompt !== undefined ? { prompt: task.prompt } : { code: task.code }),
        ...(task.tests ? { tests: task.tests } : {}),
        ...(grant ? { budget: grant } : {}),
        source: task.id,
      };
      const child = await startChild(batchTaskWorkflow, {
        workflowId: `${batchId}#${task.id}`,
        taskQueue: TASK_QUEUES.workflows,
        args: [{ runId: `${batchId}/${task.id}`, batchId, request }],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        // A cancelled batch ends only after each task has stopped its containers.
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        staticSummary: `batch task ${task.id}`,
      });
      recordSummary(totals, await child.result());
    } catch (error) {
      // What a task that did not finish spent is unknown: its whole share counts as spent.
      if (grant) chargeWhole(totals, grant);
      if (isCancellation(error)) totals.cancelled++;
      else {
        totals.failed++;
        if (totals.failures.length < MAX_RECORDED_FAILURES) totals.failures.push({ id: task.id, error: reason(error) });
      }
    } finally {
      this.grants.delete(task.id);
      this.running.delete(task.id);
      totals.done++;
      this.closed++;
      this.report();
    }
  }
}

/** What the batch spent, searchable. */
function publishSpend(settings: BatchInput['settings'], totals: BatchTotals): void {
  // Batches started before spend was searchable replay without the upsert.
  if (!hasPatch('batch-spend')) return;
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.tokens, value: totals.usage.prompt + totals.usage.completion },
    ...(settings.llm?.price ? [{ key: SEARCH_ATTRIBUTES.costUsd, value: totals.costUsd }] : []),
  ]);
}

/**
 * Hardens every task of a batch as its own child run, at most `concurrency` at a time. After
 * `tasksPerRun` children it drains and continues as new with the tasks not yet started, so a
 * batch of any size keeps each run's history small. Cancelling it cancels the running children
 * (which stop their containers) and starts no more.
 */
export async function batchWorkflow(input: BatchInput): Promise<BatchOutcome> {
  const parsed = BatchInputSchema.safeParse(batchAsStarted(input));
  if (!parsed.success) throw failure('BadRequest', describeZodError('the batch', parsed.error));
  const { settings, total, skipped, budget } = parsed.data;
  const run = new BatchRun(parsed.data, CancellationScope.current());
  const { totals, pending, running, root } = run;
  setHandler(batchProgressQuery, () => ({
    totals,
    total,
    skipped,
    budget,
    running: [...running],
    pending: pending.length,
    cancelling: root.consideredCancelled,
  }));
  for (;;) {
    run.fill();
    if (running.size === 0) break;
    const closed = run.closed;
    // Not cancellable: a cancelled batch still waits for its children to stop.
    await CancellationScope.nonCancellable(() => condition(() => run.closed > closed));
  }
  await run.settled();
  run.report();
  publishSpend(settings, totals);
  if (root.consideredCancelled)
    throw new CancelledFailure(
      `batch cancelled: ${totals.done} of ${total} tasks closed (${totals.cancelled} cancelled while running), ${pending.length} never started`,
    );
  if (pending.length > 0) {
    return continueAsNew<typeof batchWorkflow>({
      ...parsed.data,
      tasks: pending,
      totals: { ...totals, generation: totals.generation + 1 },
    });
  }
  return { totals, total, skipped, budget };
}
