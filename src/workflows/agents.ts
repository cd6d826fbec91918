import { ApplicationFailure } from '@temporalio/workflow';
import {
  CallSpendSchema,
  ReviewResultSchema,
  type AgentCallMeta,
  type AgentStep,
  type CallLimit,
  type CallSpend,
  type Finding,
  type FunctionInfo,
  type FuzzTarget,
  type HardenRequest,
  type RepairFeedback,
  type ReviewResult,
} from '../common/schemas/index.js';
import { failure, UNUSABLE_ANSWER } from '../common/failures.js';
import { applyTriage, describeFindings, mergeFindings } from '../domain/findings.js';
import { defaultTarget, seedsFromSignature } from '../domain/signature-seeds.js';
import { llmActivities } from './proxies.js';
import type { Ledger } from './ledger.js';
import { hasPatch } from './patches.js';

/**
 * The three agents of the paper as the phases see them. With an LLM they are model calls on the
 * llm queue; in an audit (no LLM) the same phases run with stand-ins that repair nothing, add no
 * review, and take seeds from the signature. No phase asks which mode it is in.
 */
export interface Agents {
  readonly mode: 'harden' | 'audit';
  readonly model: string | null;
  /** What a reader of the verdict must know about how it was reached (an audit repairs nothing). */
  readonly caveat: string | null;
  /** The Coding agent writes the code for a task. */
  generate(prompt: string): Promise<string>;
  /** The Coding agent's repair, or null when there is no agent to repair. */
  repair(code: string, feedback: RepairFeedback, action: string): Promise<string | null>;
  /** The tool findings, triaged (confirmed or dismissed) by the Static Analyser agent, with what it adds to them. */
  review(code: string, toolFindings: Finding[], label: string): Promise<Finding[]>;
  /** The function to fuzz, its parameter types and seed inputs; null when none can be called. */
  seeds(code: string, candidates: FunctionInfo[]): Promise<FuzzTarget | null>;
}

const llmSpend = (result: { meta: AgentCallMeta }): CallSpend => ({
  calls: result.meta.calls ?? result.meta.reasks + 1,
  usage: result.meta.usage,
});
const lines = (code: string) => code.split('\n').length;

/** An answer failure the run can go on without (not a transport fault, not a bad key). */
function unusableAnswer(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && UNUSABLE_ANSWER.some((type) => type === error.type);
}

/** One call of an agent the run can go on without. */
interface Ask<T> {
  agent: AgentStep['agent'];
  action: string;
  /** The model call, given what it may still spend (undefined: the run has no budget). */
  call: (limit: CallLimit | undefined) => Promise<T>;
  /** What the run goes on with when the agent is not asked, or (with `instead`) gave no usable answer. */
  fallback: () => T;
  /** How the run goes on without the agent's answer; without it an unusable answer fails the run. */
  instead?: string;
}

/**
 * How the run asks the agents it can go on without: not once the budget is spent (said once, in
 * the verdict's reasons), and not again once the Static Analyser agent gave no usable answer.
 */
class AgentAsker {
  private budgetNoted = false;
  /** Agents whose answers stayed unusable and that the run asks nothing more (each ask costs up to three requests). */
  private readonly gaveUp = new Set<AgentStep['agent']>();

  constructor(private readonly ledger: Ledger) {}

  /** The call, or its fallback once the budget is spent and (given `instead`) when its answer stays unusable. */
  async ask<T>(a: Ask<T>): Promise<T> {
    const started = Date.now();
    if (this.gaveUp.has(a.agent)) return a.fallback();
    const limit = this.ledger.spend.next();
    if (limit === null) {
      this.budgetSpent();
      return a.fallback();
    }
    try {
      return await a.call(limit);
    } catch (error) {
      if (a.instead === undefined || !unusableAnswer(error)) throw error;
      this.without(a.agent, a.action, started, error, a.instead);
      return a.fallback();
    }
  }

  private budgetSpent(): void {
    if (this.budgetNoted) return;
    this.budgetNoted = true;
    this.ledger.caveats.push(
      `${this.ledger.spend.stoppedBy ?? 'the model budget was spent'}; from then on the model was not asked to repair, review or write seeds, and the code as it stood was analysed with the tools alone`,
    );
  }

  /** An agent whose answer stayed unusable: the run goes on without it, and says so. */
  private without(agent: AgentStep['agent'], action: string, startedMs: number, error: ApplicationFailure, instead: string): void {
    // The Fuzzing agent is asked once a run; the Static Analyser agent every round, so it is the one to stop asking.
    if (agent === 'static-analyser') this.gaveUp.add(agent);
    const spent = CallSpendSchema.safeParse(error.details?.[0]);
    this.ledger.record(
      agent,
      action,
      `${action}: no usable answer, ${instead}`,
      Date.now() - startedMs,
      spent.success ? spent.data.usage : null,
    );
    this.ledger.caveats.push(
      `${error.message}; the run went on ${instead}${this.gaveUp.has(agent) ? ' and asked that agent nothing more' : ''}`,
    );
  }
}

export function llmAgents(ledger: Ledger, llm: { model: string; maxAttempts: number }, task: string | null): Agents {
  const { model } = llm;
  const calls = llmActivities(llm.maxAttempts);
  const asker = new AgentAsker(ledger);
  const ask = <T>(a: Ask<T>) => asker.ask(a);
  return {
    mode: 'harden',
    model,
    caveat: null,
    async generate(prompt) {
      const limit = ledger.spend.next();
      if (limit === null)
        throw failure(
          'BudgetSpent',
          `${ledger.spend.stoppedBy ?? 'the model budget was spent'} before the Coding agent wrote the code; give the run a larger budget (--max-tokens, --max-llm-calls)`,
        );
      const result = await ledger.step({
        agent: 'coding',
        action: 'Coding agent: write the code from the task',
        activity: calls.generateCode,
        args: [{ model, prompt, limit }],
        describe: (r) => `${lines(r.code)} lines`,
        spend: llmSpend,
      });
      return result.code;
    },
    repair: (code, feedback, action) =>
      ask<string | null>({
        agent: 'coding',
        action,
        fallback: () => null,
        call: async (limit) => {
          const result = await ledger.step({
            agent: 'coding',
            action,
            activity: calls.repairCode,
            args: [{ model, task, code, feedback, limit }],
            describe: (r) => `${lines(r.code)} lines${r.meta.reasks > 0 ? `, after ${r.meta.reasks} re-ask(s)` : ''}`,
            spend: llmSpend,
          });
          return result.code;
        },
      }),
    review: (code, toolFindings, label) => {
      const action = `${label}: Static Analyser agent`;
      return ask({
        agent: 'static-analyser',
        action,
        fallback: () => toolFindings,
        instead: "with the static tools' findings alone",
        call: async (limit) => {
          const result = await ledger.step({
            agent: 'static-analyser',
            action,
            activity: calls.reviewCode,
            args: [{ model, code, toolFindings, limit }],
            // Reviews recorded before triage carry none: the schema reads them as an empty one.
            result: ReviewResultSchema,
            describe: (r) => describeReview(r, toolFindings.length),
            spend: llmSpend,
          });
          return mergeFindings(applyTriage(toolFindings, result.triage), result.findings);
        },
      });
    },
    seeds: (code, candidates) => {
      const action = 'Fuzzing agent: infer types and write seed inputs';
      return ask({
        agent: 'fuzzing',
        action,
        fallback: () => signatureSeeds(candidates),
        instead: "with seeds from the function's signature",
        call: async (limit) => {
          const result = await ledger.step({
            agent: 'fuzzing',
            action,
            activity: calls.writeSeeds,
            args: [{ model, code, functions: candidates, limit }],
            describe: (r) =>
              `${r.target.function}(${r.target.params.map((p) => `${p.name}: ${p.type}`).join(', ')}), ${r.target.seeds.length} seeds`,
            spend: llmSpend,
          });
          return result.target;
        },
      });
    },
  };
}

/** What the Static Analyser agent added, and what it made of the tool findings. */
function describeReview(r: ReviewResult, toolFindings: number): string {
  const dismissed = r.triage.filter((t) => t.verdict === 'dismissed').length;
  const triage =
    r.triage.length > 0 ? `; of ${toolFindings} tool finding(s) ${r.triage.length - dismissed} confirmed, ${dismissed} dismissed` : '';
  return `${describeFindings(r.findings)} added${triage}`;
}

/** Seeds from a function's signature alone: the audit's, and the fallback when the Fuzzing agent cannot help. */
function signatureSeeds(candidates: FunctionInfo[]): FuzzTarget | null {
  const fn = defaultTarget(candidates);
  return fn ? seedsFromSignature(fn, hasPatch('string-item-seeds')) : null;
}

/** An audit: the tools alone. Nothing is written or repaired; seeds come from the signature. */
export const auditAgents: Agents = {
  mode: 'audit',
  model: null,
  caveat: 'audit only: no LLM is configured, so nothing was repaired (set OPENAI_BASE_URL / OPENAI_API_KEY to enable repair)',
  generate() {
    // The request schema refuses a prompt without an LLM; this guards a request that slipped past it.
    return Promise.reject(
      failure('BadRequest', 'writing code from a prompt needs an LLM: set OPENAI_BASE_URL / OPENAI_API_KEY and a model'),
    );
  },
  repair: () => Promise.resolve(null),
  review: (_code, toolFindings) => Promise.resolve(toolFindings),
  seeds: (_code, candidates) => Promise.resolve(signatureSeeds(candidates)),
};

export function agentsFor(request: HardenRequest, ledger: Ledger): Agents {
  return request.llm ? llmAgents(ledger, request.llm, request.prompt ?? null) : auditAgents;
}
