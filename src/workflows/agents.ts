import { ApplicationFailure, patched } from '@temporalio/workflow';
import { CallSpendSchema, ReviewResultSchema, type AgentCallMeta, type AgentStep, type CallSpend, type Finding, type FunctionInfo, type FuzzTarget, type HardenRequest, type RepairFeedback } from '../common/schemas/index.js';
import { failure, UNUSABLE_ANSWER } from '../common/failures.js';
import { applyTriage, describeFindings, mergeFindings } from '../domain/findings.js';
import { defaultTarget, seedsFromSignature } from '../domain/signature-seeds.js';
import { llmActivities } from './proxies.js';
import type { Ledger } from './ledger.js';

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

const llmSpend = (result: { meta: AgentCallMeta }): CallSpend => ({ calls: result.meta.calls ?? result.meta.reasks + 1, usage: result.meta.usage });
const lines = (code: string) => code.split('\n').length;

/** An answer failure the run can go on without (not a transport fault, not a bad key). */
function unusableAnswer(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && UNUSABLE_ANSWER.some((type) => type === error.type);
}

export function llmAgents(ledger: Ledger, llm: { model: string; maxAttempts: number }, task: string | null): Agents {
  const { model } = llm;
  const calls = llmActivities(llm.maxAttempts);
  let budgetNoted = false;
  /** Says once, in the verdict's reasons, that the run stopped calling the model and what that left out. */
  const budgetSpent = (): void => {
    if (budgetNoted) return;
    budgetNoted = true;
    ledger.caveats.push(`${ledger.spend.stoppedBy ?? 'the model budget was spent'}; from then on the model was not asked to repair, review or write seeds, and the code as it stood was analysed with the tools alone`);
  };
  /** Agents whose answers stayed unusable: the run asks them nothing more (each ask costs up to three requests). */
  const gaveUp = new Set<AgentStep['agent']>();
  /** The Static Analyser or Fuzzing agent whose answer stayed unusable: the run goes on without it, and says so. */
  const without = (agent: AgentStep['agent'], action: string, startedMs: number, error: ApplicationFailure, instead: string): void => {
    gaveUp.add(agent);
    const spent = CallSpendSchema.safeParse(error.details?.[0]);
    ledger.record(agent, action, `${action}: no usable answer, ${instead}`, Date.now() - startedMs, spent.success ? spent.data.usage : null);
    ledger.caveats.push(`${error.message}; the run went on ${instead}${agent === 'static-analyser' ? ' and asked that agent nothing more' : ''}`);
  };
  return {
    mode: 'harden',
    model,
    caveat: null,
    async generate(prompt) {
      const limit = ledger.spend.next();
      if (limit === null) throw failure('BudgetSpent', `${ledger.spend.stoppedBy ?? 'the model budget was spent'} before the Coding agent wrote the code; give the run a larger budget (--max-tokens, --max-llm-calls)`);
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
    async repair(code, feedback, action) {
      const limit = ledger.spend.next();
      if (limit === null) {
        budgetSpent();
        return null;
      }
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
    async review(code, toolFindings, label) {
      const action = `${label}: Static Analyser agent`;
      const started = Date.now();
      if (gaveUp.has('static-analyser')) return toolFindings;
      const limit = ledger.spend.next();
      if (limit === null) {
        budgetSpent();
        return toolFindings;
      }
      try {
        const result = await ledger.step({
          agent: 'static-analyser',
          action,
          activity: calls.reviewCode,
          args: [{ model, code, toolFindings, limit }],
          // Reviews recorded before triage carry none: the schema reads them as an empty one.
          result: ReviewResultSchema,
          describe: (r) => {
            const dismissed = r.triage.filter((t) => t.verdict === 'dismissed').length;
            return `${describeFindings(r.findings)} added${r.triage.length > 0 ? `; of ${toolFindings.length} tool finding(s) ${r.triage.length - dismissed} confirmed, ${dismissed} dismissed` : ''}`;
          },
          spend: llmSpend,
        });
        return mergeFindings(applyTriage(toolFindings, result.triage), result.findings);
      } catch (error) {
        if (!unusableAnswer(error)) throw error;
        without('static-analyser', action, started, error, 'with the static tools\' findings alone');
        return toolFindings;
      }
    },
    async seeds(code, candidates) {
      const action = 'Fuzzing agent: infer types and write seed inputs';
      const started = Date.now();
      const limit = ledger.spend.next();
      if (limit === null) {
        budgetSpent();
        return signatureSeeds(candidates);
      }
      try {
        const result = await ledger.step({
          agent: 'fuzzing',
          action,
          activity: calls.writeSeeds,
          args: [{ model, code, functions: candidates, limit }],
          describe: (r) => `${r.target.function}(${r.target.params.map((p) => `${p.name}: ${p.type}`).join(', ')}), ${r.target.seeds.length} seeds`,
          spend: llmSpend,
        });
        return result.target;
      } catch (error) {
        if (!unusableAnswer(error)) throw error;
        without('fuzzing', action, started, error, 'with seeds from the function\'s signature');
        return signatureSeeds(candidates);
      }
    },
  };
}

/** Seeds from a function's signature alone: the audit's, and the fallback when the Fuzzing agent cannot help. */
function signatureSeeds(candidates: FunctionInfo[]): FuzzTarget | null {
  const fn = defaultTarget(candidates);
  return fn ? seedsFromSignature(fn, patched('string-item-seeds')) : null;
}

/** An audit: the tools alone. Nothing is written or repaired; seeds come from the signature. */
export const auditAgents: Agents = {
  mode: 'audit',
  model: null,
  caveat: 'audit only: no LLM is configured, so nothing was repaired (set OPENAI_BASE_URL / OPENAI_API_KEY to enable repair)',
  generate() {
    // The request schema refuses a prompt without an LLM; this guards a request that slipped past it.
    return Promise.reject(failure('BadRequest', 'writing code from a prompt needs an LLM: set OPENAI_BASE_URL / OPENAI_API_KEY and a model'));
  },
  repair: () => Promise.resolve(null),
  review: (_code, toolFindings) => Promise.resolve(toolFindings),
  seeds: (_code, candidates) => Promise.resolve(signatureSeeds(candidates)),
};

export function agentsFor(request: HardenRequest, ledger: Ledger): Agents {
  return request.llm ? llmAgents(ledger, request.llm, request.prompt ?? null) : auditAgents;
}
