import { z } from 'zod';
import { EntrySchema, KernelWatchSchema } from '../sandbox.js';
import { ApprovalDecisionSchema } from './approvals.js';
import { SpendSchema } from './budget.js';
import { CountsSchema, FailureSummarySchema, FindingSchema, FuzzFailureSchema } from './findings.js';
import { TargetParamSchema } from './fuzz-target.js';
import { upgradeLegacyResult } from './legacy.js';
import { BrokenTestsSchema, ReturnChangeSchema, TokenUsageSchema } from './llm.js';
import { TestRunSchema } from './tests.js';

export const AgentStepSchema = z.object({
  index: z.number().int(),
  /** `bandit`: the static tools of runs from before Semgrep joined; `analysers`: Bandit and Semgrep. */
  /** `person`: an approval a person gave (or that timed out), not an activity. */
  agent: z.enum(['coding', 'static-analyser', 'fuzzing', 'bandit', 'analysers', 'inspector', 'sandbox', 'person']),
  action: z.string(),
  summary: z.string(),
  durationMs: z.number(),
  usage: TokenUsageSchema.nullable(),
});
export type AgentStep = z.infer<typeof AgentStepSchema>;

export const StaticRoundSchema = z.object({
  round: z.number().int(),
  findings: z.array(FindingSchema),
  /** The Coding agent's repair became the code. */
  repaired: z.boolean(),
  /** Why the round's repair was refused (a suppression comment it added), when it was. */
  repairRefusedFor: z.array(FindingSchema).default([]),
  /** Behaviour tests the round's repair broke: it was refused for them. */
  brokenTests: BrokenTestsSchema,
  /** A person's decision on the round's repair (approval each-repair). */
  approval: ApprovalDecisionSchema.nullable().default(null),
});
export type StaticRound = z.infer<typeof StaticRoundSchema>;

/** One fuzz-repair round: the Coding agent's candidate, re-run and re-checked, then kept or dropped. */
export const FuzzRepairRoundSchema = z.object({
  round: z.number().int(),
  /** Executions of the re-check pass: the whole corpus, run against the candidate. */
  candidateExecuted: z.number().int(),
  /** What the candidate still failed (a sample; the counts cover all); the run keeps these only when the candidate is accepted. */
  candidateFailures: z.array(FuzzFailureSchema),
  candidateFailureSummary: FailureSummarySchema,
  /** The static tools' findings in the candidate. */
  candidateStaticFindings: z.array(FindingSchema),
  /** Fewer of the failing inputs it was to repair, no more of the others, no new static finding and no broken test: the candidate became the code. */
  accepted: z.boolean(),
  /** Behaviour tests that passed before and fail with the candidate. */
  brokenTests: BrokenTestsSchema,
  /** Without behaviour tests: inputs the code handled normally whose result the candidate changed (a sample of 10; the candidate is refused for any). */
  changedReturns: z.array(ReturnChangeSchema).default([]),
  /** A person's decision on the candidate (approval each-repair), asked only of a candidate the checks accept. */
  approval: ApprovalDecisionSchema.nullable().default(null),
});
export type FuzzRepairRound = z.infer<typeof FuzzRepairRoundSchema>;
export const VerdictSchema = z.enum(['secure', 'vulnerable', 'could-not-verify']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const HardenResultSchema = z.preprocess(
  upgradeLegacyResult,
  z.object({
    verdict: VerdictSchema,
    reasons: z.array(z.string()),
    mode: z.enum(['harden', 'audit']),
    source: z.string(),
    model: z.string().nullable(),
    initialCode: z.string(),
    finalCode: z.string(),
    staticRounds: z.array(StaticRoundSchema),
    fuzz: z.object({
      target: z.object({ function: z.string(), entry: EntrySchema, params: z.array(TargetParamSchema) }).nullable(),
      skippedReason: z.string().nullable(),
      /** Why the first pass could not vouch for every input (inputs not run, a harness that died). */
      incomplete: z.string().nullable().default(null),
      /** Modules the code imports that the sandbox lacks: the first pass ran them as recording stubs. */
      stubbed: z.array(z.string()).default([]),
      /** Whether the kernel watched what the first pass's inputs started and connected to; null for runs from before it. */
      kernelWatch: KernelWatchSchema.nullable().default(null),
      /** Line coverage of the function under test (or the module) by the first pass; null before coverage was measured. */
      coverage: z.object({ reached: z.number().int(), coverable: z.number().int() }).nullable().default(null),
      /** Executions of the first pass over the corpus (re-checks count in their repair rounds). */
      firstPassExecuted: z.number().int(),
      /** What the first pass found, before any repair: a sample in which every kind shows. */
      failures: z.array(FuzzFailureSchema),
      /** Every failing input of the first pass, by kind (security event, exception or status). */
      failureSummary: FailureSummarySchema,
      repairRounds: z.array(FuzzRepairRoundSchema),
    }),
    findingsBefore: CountsSchema,
    findingsAfter: CountsSchema,
    /** Static findings in the final code (none the Static Analyser agent dismissed). */
    remainingFindings: z.array(FindingSchema),
    /** Tool findings in the final code that the Static Analyser agent dismissed, each with its reason. */
    dismissedFindings: z.array(FindingSchema).default([]),
    /** Failing inputs of the final code (a sample): the first pass's, or the last accepted repair's. */
    remainingFailures: z.array(FuzzFailureSchema),
    remainingFailureSummary: FailureSummarySchema,
    /** What the final code still has, by kind: static findings and failing inputs together. */
    remainingByKind: z
      .object({ security: z.number().int(), robustness: z.number().int(), contract: z.number().int() })
      .default({ security: 0, robustness: 0, contract: 0 }),
    /** The behaviour tests against the first code and the final code; null when the run had none. */
    tests: z
      .object({ style: z.enum(['check', 'functions', 'doctest']), before: TestRunSchema, after: TestRunSchema })
      .nullable()
      .default(null),
    /** Every decision a person made (or that timed out), in order; the last of subject "final" decides whether the final code was accepted. */
    approvals: z.array(ApprovalDecisionSchema).default([]),
    /** Whether the final code was accepted: by the run itself (no approval), or by a person; false when rejected or timed out. */
    accepted: z.boolean().default(true),
    steps: z.array(AgentStepSchema),
    usage: TokenUsageSchema,
    spend: SpendSchema.default({ llmCalls: 0, costUsd: null, budget: null, stoppedBy: null }),
    /** What the run had to do without: an agent whose answer stayed unusable, a budget spent. */
    caveats: z.array(z.string()).default([]),
  }),
);
export type HardenResult = z.infer<typeof HardenResultSchema>;

export const ProgressSchema = z.object({
  phase: z.enum(['generating', 'static', 'fuzzing', 'fuzz-repair', 'awaiting-approval', 'done']),
  staticRound: z.number().int(),
  fuzzRepairRound: z.number().int(),
  /** Every execution so far: the first pass and each repair's re-check. */
  fuzzExecutions: z.number().int(),
  /** Failing inputs of the code as it stands (a rejected candidate's do not count). */
  failingInputs: z.number().int(),
  steps: z.number().int(),
  lastStep: z.string().nullable(),
  /** What the run waits for a person to approve: the code as it stands and the candidate. */
  awaiting: z.object({ label: z.string(), sinceMs: z.number(), code: z.string(), candidate: z.string() }).nullable().default(null),
});
export type Progress = z.infer<typeof ProgressSchema>;
