import { ActivityFailure, ApplicationFailure, setCurrentDetails, type ActivityFunctionWithOptions } from '@temporalio/workflow';
import type { z } from 'zod';
import { CallSpendSchema, type AgentStep, type Budget, type CallSpend, type Progress, type TokenUsage } from '../common/schemas/index.js';
import { SpendMeter } from '../domain/budget.js';

export interface StepSpec<A extends unknown[], T> {
  agent: AgentStep['agent'];
  action: string;
  activity: ActivityFunctionWithOptions<(...args: A) => Promise<T>>;
  args: A;
  describe: (result: T) => string;
  /** What a model call spent (its requests and tokens), for the run's total and its budget. */
  spend?: (result: T) => CallSpend;
  /** The UI summary, when it should say more than the action. */
  summary?: string;
  /** Reads the result through its schema: fields added since a history was recorded get their defaults. */
  result?: z.ZodType<T, unknown>;
}

/** The run's record: every agent step, progress for the query, and what the model calls spent. */
export class Ledger {
  readonly steps: AgentStep[] = [];
  readonly spend: SpendMeter;
  /** What a reader of the verdict must know the run did without (an unusable agent answer, a spent budget). */
  readonly caveats: string[] = [];
  readonly progress: Progress = {
    phase: 'static',
    staticRound: 0,
    fuzzRepairRound: 0,
    fuzzExecutions: 0,
    failingInputs: 0,
    steps: 0,
    lastStep: null,
    awaiting: null,
  };

  constructor(budget: Budget | null = null) {
    this.spend = new SpendMeter(budget);
  }

  get usage(): TokenUsage {
    return this.spend.usage;
  }

  /** Runs one activity as an audited step: its summary in the UI, its outcome in the record. */
  async step<A extends unknown[], T>(spec: StepSpec<A, T>): Promise<T> {
    const { agent, action, describe } = spec;
    const started = Date.now();
    let result: T;
    try {
      const raw = await spec.activity.executeWithOptions({ summary: spec.summary ?? action }, spec.args);
      result = spec.result ? spec.result.parse(raw) : raw;
    } catch (error) {
      // Name the step and the real reason in the run's own failure, where the UI shows it first.
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
        // A model call that failed still spent what its requests cost.
        const spent = CallSpendSchema.safeParse(error.cause.details?.[0]);
        if (spent.success) this.spend.add(spent.data);
        throw ApplicationFailure.create({
          message: `${action}: ${error.cause.message}`,
          type: error.cause.type ?? undefined,
          nonRetryable: true,
          cause: error,
          details: spent.success ? [spent.data] : [],
        });
      }
      throw error;
    }
    const spent = spec.spend ? spec.spend(result) : null;
    if (spent) this.spend.add(spent);
    this.record(agent, action, `${action}: ${describe(result)}`, Date.now() - started, spent?.usage ?? null);
    return result;
  }

  /** Records a step: an activity's, or a person's decision. */
  record(agent: AgentStep['agent'], action: string, summary: string, durationMs: number, usage: TokenUsage | null = null): void {
    this.steps.push({ index: this.steps.length + 1, agent, action, summary, durationMs, usage });
    this.progress.steps = this.steps.length;
    this.progress.lastStep = summary;
    setCurrentDetails(`**${this.progress.phase}** · step ${this.steps.length}: ${summary}`);
  }
}
