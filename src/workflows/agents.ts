import { ReviewResultSchema, type AgentCallMeta, type Finding, type FunctionInfo, type FuzzTarget, type HardenRequest, type RepairFeedback, type TokenUsage } from '../common/schemas.js';
import { patched } from '@temporalio/workflow';
import { failure } from '../common/failures.js';
import { applyTriage, describeFindings, mergeFindings } from './findings.js';
import { defaultTarget, seedsFromSignature } from './signature-seeds.js';
import { llmActivities, type Ledger } from './steps.js';

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

const llmUsage = (result: { meta: AgentCallMeta }): TokenUsage => result.meta.usage;
const lines = (code: string) => code.split('\n').length;

export function llmAgents(ledger: Ledger, llm: { model: string; maxAttempts: number }, task: string | null): Agents {
  const { model } = llm;
  const calls = llmActivities(llm.maxAttempts);
  return {
    mode: 'harden',
    model,
    caveat: null,
    async generate(prompt) {
      const result = await ledger.step({
        agent: 'coding',
        action: 'Coding agent: write the code from the task',
        activity: calls.generateCode,
        args: [{ model, prompt }],
        describe: (r) => `${lines(r.code)} lines`,
        usage: llmUsage,
      });
      return result.code;
    },
    async repair(code, feedback, action) {
      const result = await ledger.step({
        agent: 'coding',
        action,
        activity: calls.repairCode,
        args: [{ model, task, code, feedback }],
        describe: (r) => `${lines(r.code)} lines${r.meta.reasks > 0 ? `, after ${r.meta.reasks} re-ask(s)` : ''}`,
        usage: llmUsage,
      });
      return result.code;
    },
    async review(code, toolFindings, label) {
      const result = await ledger.step({
        agent: 'static-analyser',
        action: `${label}: Static Analyser agent`,
        activity: calls.reviewCode,
        args: [{ model, code, toolFindings }],
        // Reviews recorded before triage carry none: the schema reads them as an empty one.
        result: ReviewResultSchema,
        describe: (r) => {
          const dismissed = r.triage.filter((t) => t.verdict === 'dismissed').length;
          return `${describeFindings(r.findings)} added${r.triage.length > 0 ? `; of ${toolFindings.length} tool finding(s) ${r.triage.length - dismissed} confirmed, ${dismissed} dismissed` : ''}`;
        },
        usage: llmUsage,
      });
      return mergeFindings(applyTriage(toolFindings, result.triage), result.findings);
    },
    async seeds(code, candidates) {
      const result = await ledger.step({
        agent: 'fuzzing',
        action: 'Fuzzing agent: infer types and write seed inputs',
        activity: calls.writeSeeds,
        args: [{ model, code, functions: candidates }],
        describe: (r) => `${r.target.function}(${r.target.params.map((p) => `${p.name}: ${p.type}`).join(', ')}), ${r.target.seeds.length} seeds`,
        usage: llmUsage,
      });
      return result.target;
    },
  };
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
  seeds(_code, candidates) {
    const fn = defaultTarget(candidates);
    return Promise.resolve(fn ? seedsFromSignature(fn, patched('string-item-seeds')) : null);
  },
};

export function agentsFor(request: HardenRequest, ledger: Ledger): Agents {
  return request.llm ? llmAgents(ledger, request.llm, request.prompt ?? null) : auditAgents;
}
