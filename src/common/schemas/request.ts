import { z } from 'zod';
import { type ApprovalSettings, ApprovalSettingsSchema } from './approvals.js';
import { type Budget, BudgetSchema } from './budget.js';
import { type Severity, SeveritySchema } from './findings.js';
import { LlmSettingsSchema, type Price } from './llm.js';
import { type BehaviourTests, BehaviourTestsSchema, testsProblem } from './tests.js';

// ---- the workflow ----

/**
 * How a run hardens: the settings a single run and every task of a batch share. The workflow
 * takes them fully resolved (no defaults here: the edge fills them, src/client/request.ts), so a
 * changed default never changes what a running workflow does.
 */
export const HardenSettingsSchema = z.object({
  /** Null runs an audit: static analysis and fuzzing, no repair. */
  llm: LlmSettingsSchema.nullable(),
  maxStaticRounds: z.number().int().min(1).max(10),
  /** Static tool findings (Bandit, Semgrep) below this severity are not counted. */
  minSeverity: SeveritySchema,
  fuzz: z.object({
    mutations: z.number().int().min(0).max(10_000),
    /** Inputs per sandbox container; the sandbox activity's timeout is derived from it. */
    batchSize: z.number().int().min(1).max(1_000),
    timeoutMsPerInput: z.number().int().min(100).max(60_000),
    maxRepairRounds: z.number().int().min(0).max(10),
    /** Seed of the mutation PRNG; the same seed gives the same inputs. */
    seed: z.number().int(),
    /**
     * Mutate in rounds, preferring inputs that reached new lines as parents. Runs started before
     * the setting existed derived every input from the seeds at once: they read as false.
     */
    coverageGuided: z.boolean().default(false),
  }),
  /**
   * Repair only security findings; robustness failures are then reported, not repaired. Runs
   * started before the setting existed repaired every failure, so it reads as false for them.
   */
  securityOnly: z.boolean().default(false),
  /** Who accepts the code; runs started before approvals existed accepted it themselves. */
  approval: ApprovalSettingsSchema.default({ mode: 'none', timeoutMs: null }),
  /** What the run may spend on the model; null: no limit. */
  budget: BudgetSchema.nullable().default(null),
});
export type HardenSettings = z.infer<typeof HardenSettingsSchema>;

export const HardenRequestSchema = HardenSettingsSchema.extend({
  /** A Python signature with a docstring: the Coding agent writes the body. */
  prompt: z.string().optional(),
  /** Existing code to harden (or, with no LLM, to audit). */
  code: z.string().optional(),
  /** File name or dataset id, for reports. */
  source: z.string(),
  /** Behaviour a repair must keep; runs from before tests existed have none. */
  tests: BehaviourTestsSchema.nullable().default(null),
}).superRefine((req, ctx) => {
  const given = [req.prompt, req.code].filter((v) => v !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of prompt (a task to write) or code (code to harden)' });
    return;
  }
  const text = (req.prompt ?? req.code ?? '').trim();
  if (text.length === 0) ctx.addIssue({ code: 'custom', path: [req.prompt !== undefined ? 'prompt' : 'code'], message: 'is empty' });
  if (req.prompt !== undefined && !/^\s*(async\s+)?def\s+\w+\s*\(/m.test(req.prompt)) {
    ctx.addIssue({
      code: 'custom',
      path: ['prompt'],
      message: 'has no Python function signature (def name(...):); a prompt is a Python signature with a docstring',
    });
  }
  if (req.prompt !== undefined && req.llm === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['llm'],
      message: 'writing code from a prompt needs an LLM: set OPENAI_BASE_URL / OPENAI_API_KEY and a model',
    });
  }
  const problem = req.tests ? testsProblem(req.tests, text) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['tests'], message: problem });
});

export type HardenRequest = z.infer<typeof HardenRequestSchema>;

/** What a caller may leave out of a request: the defaults fill it (src/common/defaults.ts). */
export type HardenSettingsInput = {
  llm: { model: string; maxAttempts?: number | undefined; price?: Price | null | undefined } | null;
  budget?: Budget | null | undefined;
  maxStaticRounds?: number | undefined;
  minSeverity?: Severity | undefined;
  securityOnly?: boolean | undefined;
  approval?: ApprovalSettings | undefined;
  fuzz?: Partial<{ [K in keyof HardenSettings['fuzz']]: HardenSettings['fuzz'][K] | undefined }> | undefined;
};
export type HardenRequestInput = HardenSettingsInput & {
  prompt?: string;
  code?: string;
  source?: string | undefined;
  tests?: BehaviourTests | null | undefined;
};

/** The values a caller's omissions take: today's (defaults.ts) at the edge, frozen ones for old runs. */
export interface RequestDefaults {
  source: string;
  maxStaticRounds: number;
  minSeverity: Severity;
  securityOnly: boolean;
  llm: { maxAttempts: number };
  fuzz: HardenSettings['fuzz'];
}
