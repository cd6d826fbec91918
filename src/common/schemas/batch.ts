import { z } from 'zod';
import { BudgetSchema } from './budget.js';
import { CountsSchema } from './findings.js';
import { TokenUsageSchema } from './llm.js';
import { type HardenSettingsInput, HardenSettingsSchema } from './request.js';
import { VerdictSchema } from './result.js';
import { BehaviourTestsSchema, testsProblem } from './tests.js';

/** One task of a batch: what the child run hardens. Ids name the child run, so they are unique. */
export const BatchTaskSchema = z
  .object({
    id: z.string().min(1).max(200),
    prompt: z.string().optional(),
    code: z.string().optional(),
    /** Behaviour tests every repair of this task must keep passing. */
    tests: BehaviourTestsSchema.optional(),
  })
  .refine((t) => (t.prompt === undefined) !== (t.code === undefined), { message: 'give exactly one of prompt or code' })
  .superRefine((t, ctx) => {
    const problem = t.tests ? testsProblem(t.tests, t.prompt ?? t.code ?? '') : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['tests'], message: problem });
  });
export type BatchTask = z.infer<typeof BatchTaskSchema>;

/** A line of a batch file that could not be used, and why. */
export const SkippedLineSchema = z.object({ line: z.number().int(), reason: z.string() });
export type SkippedLine = z.infer<typeof SkippedLineSchema>;

/**
 * What a batch keeps of one task's run: counts, not the run's full result (that stays with the
 * run), so a parent run's history holds a few hundred bytes per task.
 */
export const TaskSummarySchema = z.object({
  verdict: VerdictSchema,
  findingsBefore: CountsSchema,
  findingsAfter: CountsSchema,
  fuzzEvents: CountsSchema,
  usage: TokenUsageSchema,
  /** Whether every behaviour test passed with the first and with the final code; null without tests. */
  tests: z.object({ before: z.boolean(), after: z.boolean() }).nullable().default(null),
  llmCalls: z.number().int().default(0),
  costUsd: z.number().nullable().default(null),
  /** The run stopped calling the model because its share of the budget was spent. */
  stoppedByBudget: z.boolean().default(false),
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

/**
 * The input of one task's wrapper run: the hardening request and the id its run gets. The
 * request passes through to the run, which validates it (its shape depends on when the batch
 * started: requests of batches started before they were resolved at the edge lack defaults).
 */
export const BatchTaskRunInputSchema = z.object({ runId: z.string(), batchId: z.string(), request: z.looseObject({ source: z.string() }) });
export type BatchTaskRunInput = z.input<typeof BatchTaskRunInputSchema>;

/** What a batch has done so far; carried across continue-as-new, answered by the progress query. */
export const BatchTotalsSchema = z.object({
  started: z.number().int(),
  done: z.number().int(),
  secure: z.number().int(),
  vulnerable: z.number().int(),
  couldNotVerify: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  findingsBefore: CountsSchema,
  findingsAfter: CountsSchema,
  /** Failing inputs of the first fuzzing pass, by kind (security event, exception or status). */
  fuzzEvents: CountsSchema,
  usage: z.object({ prompt: z.number().int(), completion: z.number().int() }),
  /** Tasks with behaviour tests, and of them how many passed all with the first and the final code (pass@1 before and after hardening). */
  functional: z
    .object({ tasks: z.number().int(), passedBefore: z.number().int(), passedAfter: z.number().int() })
    .default({ tasks: 0, passedBefore: 0, passedAfter: 0 }),
  /** Model requests of the closed tasks, and their cost where the model has a price. */
  llmCalls: z.number().int().default(0),
  costUsd: z.number().default(0),
  /** What counts against the batch's budget: closed tasks' spend, and the whole share of a task that failed or was cancelled (its spend is unknown). */
  budgetCharged: z.object({ calls: z.number().int(), tokens: z.number().int() }).default({ calls: 0, tokens: 0 }),
  /** Tasks whose run stopped calling the model at its share of the budget. */
  budgetStopped: z.number().int().default(0),
  /** Tasks never started: they needed the model to write their code and the budget had nothing left. */
  unfunded: z.number().int().default(0),
  /** The first failed tasks and why (capped, so a broken endpoint cannot bloat the history). */
  failures: z.array(z.object({ id: z.string(), error: z.string() })),
  /** Workflow time the batch began, for rates and ETAs. */
  startedAtMs: z.number(),
  /** How many times the batch continued as new. */
  generation: z.number().int(),
});
export type BatchTotals = z.infer<typeof BatchTotalsSchema>;

/** A batch as the workflow takes it: every field resolved at the edge (src/client/request.ts). */
export const BatchInputSchema = z.object({
  /** Tasks not started yet: each continue-as-new carries fewer. */
  tasks: z.array(BatchTaskSchema),
  total: z.number().int().min(0),
  /** What every task's run shares: a hardening request without the task itself. */
  settings: HardenSettingsSchema,
  concurrency: z.number().int().min(1).max(256),
  /** Children per run before continuing as new, which keeps each run's history small. */
  tasksPerRun: z.number().int().min(1).max(2_000),
  totals: BatchTotalsSchema.optional(),
  /** What the whole batch may spend on the model, handed out to its tasks as they start; null: no limit. */
  budget: BudgetSchema.nullable().default(null),
  /** Lines of the batch file that were skipped, so whoever re-attaches sees them too. */
  skipped: z.array(SkippedLineSchema).max(1_000),
});
export type BatchInput = z.infer<typeof BatchInputSchema>;

/** What a caller may leave out of a batch: the defaults fill it. */
export type BatchInputArg = Omit<BatchInput, 'settings' | 'concurrency' | 'tasksPerRun' | 'skipped' | 'budget'> & {
  budget?: BatchInput['budget'] | undefined;
  settings: HardenSettingsInput;
  concurrency?: number | undefined;
  tasksPerRun?: number | undefined;
  skipped?: SkippedLine[] | undefined;
};

export const BatchOutcomeSchema = z.object({
  totals: BatchTotalsSchema,
  total: z.number().int(),
  skipped: BatchInputSchema.shape.skipped,
  budget: BudgetSchema.nullable().default(null),
});
export type BatchOutcome = z.infer<typeof BatchOutcomeSchema>;

/** The progress query's answer: the counts so far and what is running now. */
export const BatchProgressSchema = BatchOutcomeSchema.extend({
  running: z.array(z.string()),
  pending: z.number().int(),
  cancelling: z.boolean(),
});
export type BatchProgress = z.infer<typeof BatchProgressSchema>;
