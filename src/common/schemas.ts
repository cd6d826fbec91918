import { z } from 'zod';
import { CweSchema, staticKind } from './cwe.js';
import { PyTypeSchema } from './fuzz-value.js';
import { EntrySchema, FuzzCaseSchema, FuzzOutcomeSchema, KernelWatchSchema } from './sandbox.js';

/** Every workflow and activity boundary has one schema here; the types are inferred from it. */

export const SeveritySchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);
export type Severity = z.infer<typeof SeveritySchema>;

/**
 * What a finding or failing input means. `security`: a weakness an attacker can use (a static
 * finding with a security CWE, or a runtime oracle event). `robustness`: a crash, hang or kill
 * on an input within the function's contract (any crash of a Flask route). `contract`: a failure
 * only on inputs outside the declared or inferred parameter types. Only security makes a run
 * vulnerable.
 */
export const FindingKindSchema = z.enum(['security', 'robustness', 'contract']);
export type FindingKind = z.infer<typeof FindingKindSchema>;
export const FINDING_KINDS = FindingKindSchema.options;

const FindingFieldsSchema = z.object({
  /** Set from the CWE by whoever reports the finding; results from before kinds existed get it from there too. */
  kind: FindingKindSchema,
  /** `semgrep`: this project's rule pack (rules/); `policy`: a rule of this project's, such as no suppression comments in a repair. */
  source: z.enum(['bandit', 'semgrep', 'static-agent', 'policy']),
  /** Bandit test id (B602), Semgrep rule id, "llm-review", or the policy's name. */
  ruleId: z.string(),
  cwe: CweSchema.nullable(),
  line: z.number().int().nullable(),
  severity: SeveritySchema,
  confidence: SeveritySchema,
  message: z.string(),
  fix: z.string().nullable(),
  /** The Static Analyser agent's word on a tool finding (harden mode): a dismissed one stays visible but counts for nothing. */
  triage: z.object({ verdict: z.enum(['confirmed', 'dismissed']), reason: z.string().max(1_000) }).nullable().default(null),
  /** Other analysers that reported the same CWE on the same line ("Semgrep command-injection-shell"). */
  alsoFoundBy: z.array(z.string()).default([]),
});
export const FindingSchema = z.preprocess(
  (value) => (isRecord(value) && value.kind === undefined ? { ...value, kind: staticKind(typeof value.cwe === 'string' ? value.cwe : null) } : value),
  FindingFieldsSchema,
);
export type Finding = z.infer<typeof FindingSchema>;

/** Counts by key (a CWE, a kind of failure). */
export const CountsSchema = z.record(z.string(), z.number().int());

export const TokenUsageSchema = z.object({ prompt: z.number().int().min(0), completion: z.number().int().min(0) });
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

// ---- inspection (analysis queue) ----

export const ParamInfoSchema = z.object({
  name: z.string(),
  annotation: z.string().nullable(),
  /** Python literal of the default, when it has one and it is a literal. */
  defaultRepr: z.string().nullable(),
  kind: z.enum(['positional', 'var-positional', 'keyword-only', 'var-keyword']),
});
export type ParamInfo = z.infer<typeof ParamInfoSchema>;

export const FunctionInfoSchema = z.object({
  name: z.string(),
  line: z.number().int(),
  params: z.array(ParamInfoSchema),
  /** Decorators as source text, e.g. "app.route('/x')". */
  decorators: z.array(z.string()),
  /** A Flask route handler: its params are the request parts it reads, filled by the test client. */
  route: z.object({ rule: z.string() }).nullable().default(null),
});
export type FunctionInfo = z.infer<typeof FunctionInfoSchema>;

export const InspectResultSchema = z.object({
  syntaxError: z.object({ line: z.number().int().nullable(), message: z.string() }).nullable(),
  functions: z.array(FunctionInfoSchema),
  /** The module runs statements of its own (a script): it can be run as a program. Parses recorded before it carry none. */
  moduleCode: z.boolean().default(false),
});
export type InspectResult = z.infer<typeof InspectResultSchema>;

export const StaticAnalysisInputSchema = z.object({ code: z.string(), minSeverity: SeveritySchema });
export type StaticAnalysisInput = z.infer<typeof StaticAnalysisInputSchema>;

/** What the static analysers (Bandit, and Semgrep with this project's rules) report on one version of the code. */
export const StaticToolsResultSchema = z.object({
  findings: z.array(FindingSchema),
  /** Why an analyser could not analyse all of the code: findings then clear nothing. (Absent in results recorded before.) */
  errors: z.array(z.string().max(1_000)).max(20).default([]),
  durationMs: z.number(),
});
export type StaticToolsResult = z.infer<typeof StaticToolsResultSchema>;

// ---- fuzzing ----

/** Who sets a parameter: an attacker (its values are taint the oracles follow) or the caller's own configuration. */
export const ParamRoleSchema = z.enum(['attacker', 'trusted']);
export type ParamRole = z.infer<typeof ParamRoleSchema>;

export const FuzzTargetSchema = z.object({
  function: z.string(),
  entry: EntrySchema.default('call'),
  /** `role` when the Fuzzing agent said who sets the parameter; the workflow's rules decide otherwise. */
  params: z.array(z.object({ name: z.string(), type: PyTypeSchema, role: ParamRoleSchema.optional() })),
  seeds: z.array(FuzzCaseSchema).min(1),
});
export type FuzzTarget = z.infer<typeof FuzzTargetSchema>;

/** A parameter of the function under test as the run classified it (the report shows this). */
export const TargetParamSchema = z.object({
  name: z.string(),
  type: PyTypeSchema,
  role: ParamRoleSchema.default('attacker'),
  /** Who decided the role and why: the Fuzzing agent, or the rule that matched. */
  roleReason: z.string().default('classified before roles existed: every parameter was attacker input'),
  /** None is within the contract (an Optional annotation or a None default). */
  nullable: z.boolean().default(false),
  /** The item type a sequence annotation names (List[int]), when it names one. */
  items: PyTypeSchema.nullable().default(null),
});
export type TargetParam = z.infer<typeof TargetParamSchema>;

const FuzzFailureFieldsSchema = z.object({
  /** Security when an oracle fired; robustness or contract by the input's fit to the parameter types. */
  kind: FindingKindSchema,
  input: FuzzCaseSchema,
  /** Set when a result keeps the input cut to a readable size: what it was, in characters of JSON, and its hash. */
  inputTruncated: z.object({ chars: z.number().int(), fnv1a: z.string() }).optional(),
  outcome: FuzzOutcomeSchema,
});
/** Failures recorded before kinds existed: an oracle event is security, any other failure robustness. */
export const FuzzFailureSchema = z.preprocess((value) => {
  if (!isRecord(value) || value.kind !== undefined) return value;
  const events = isRecord(value.outcome) && Array.isArray(value.outcome.events) ? value.outcome.events : [];
  return { ...value, kind: events.length > 0 ? 'security' : 'robustness' };
}, FuzzFailureFieldsSchema);
export type FuzzFailure = z.infer<typeof FuzzFailureSchema>;

/** One weakness at one place: the failing inputs that share a kind, a cause and a line. */
export const FailureGroupSchema = z.object({
  kind: FindingKindSchema,
  /** The security event's CWE, else CWE-248 (a crash) or CWE-400 (a hang or blow-up). */
  cwe: CweSchema,
  /** The oracle or exception: "CWE-78 shell event", "TypeError", "timeout". */
  label: z.string().max(300),
  line: z.number().int().nullable(),
  inputs: z.number().int(),
  /** Ids of the first few inputs of the group; the result's sample holds them. */
  examples: z.array(z.string()).max(5),
});
export type FailureGroup = z.infer<typeof FailureGroupSchema>;

/** All the failing inputs a sample in a result stands for: how many, how many of each kind, and their groups. */
export const FailureSummarySchema = z.object({
  inputs: z.number().int(),
  byKind: CountsSchema,
  /** Failing inputs by finding kind (security, robustness, contract). */
  byFindingKind: CountsSchema.default({}),
  /** One per weakness and place, most inputs first (results from before groups existed have none). */
  groups: z.array(FailureGroupSchema).max(100).default([]),
});
export type FailureSummary = z.infer<typeof FailureSummarySchema>;

// ---- LLM agents (llm queue) ----

const ModelSchema = z.string().min(1, 'name the model');

/** US dollars per million tokens, as the model's provider bills them. */
export const PriceSchema = z.object({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) });
export type Price = z.infer<typeof PriceSchema>;

export const LlmSettingsSchema = z.object({
  model: ModelSchema,
  /** Attempts of each agent call before the run fails (Temporal retries with backoff). */
  maxAttempts: z.number().int().min(1).max(20),
  /** The model's price from the user's price table, for the run's cost; null when the table has none. */
  price: PriceSchema.nullable().default(null),
});
export type LlmSettings = z.infer<typeof LlmSettingsSchema>;

/** What one agent call may still spend of the run's budget: its re-asks stop there. */
export const CallLimitSchema = z.object({ calls: z.number().int().min(1).nullable(), tokens: z.number().int().min(1).nullable() });
export type CallLimit = z.infer<typeof CallLimitSchema>;
/** What an agent call spent: model requests (re-asks included) and their reported tokens. */
export const CallSpendSchema = z.object({ calls: z.number().int().min(0), usage: TokenUsageSchema });
export type CallSpend = z.infer<typeof CallSpendSchema>;

export const AgentCallMetaSchema = z.object({
  model: z.string(),
  usage: TokenUsageSchema,
  durationMs: z.number(),
  reasks: z.number().int(),
  /** Model requests made; calls recorded before it was counted made one per try (reasks + 1). */
  calls: z.number().int().optional(),
  /** Whether the answer was asked for with a JSON schema (structured outputs) the endpoint accepted. */
  structured: z.boolean().default(false),
  /** The whole exchange, re-asks included, so the audit trail shows what the agent was told and said. */
  transcript: z.array(z.object({ role: z.string(), content: z.string() })).default([]),
});
export type AgentCallMeta = z.infer<typeof AgentCallMetaSchema>;

export const GenerateCodeInputSchema = z.object({ model: ModelSchema, prompt: z.string(), limit: CallLimitSchema.optional() });
export type GenerateCodeInput = z.infer<typeof GenerateCodeInputSchema>;

// ---- behaviour tests ----

const IdentifierSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a Python identifier');
/** Kept as given (not trimmed): failures name lines of it. */
const TestsSourceSchema = z.string().refine((s) => s.trim().length > 0, 'is empty');

/**
 * The behaviour a repair must keep: HumanEval's `check(candidate)` called with the entry point,
 * test functions of the tests' own (`def test_x():` with asserts, pytest style), or the doctest
 * examples in the code's docstrings. They run in the sandbox, isolated as fuzzing is.
 */
export const BehaviourTestsSchema = z.discriminatedUnion('style', [
  z.object({ style: z.literal('check'), source: TestsSourceSchema, entryPoint: IdentifierSchema.describe('the function check(candidate) is called with') }),
  z.object({ style: z.literal('functions'), source: TestsSourceSchema }),
  z.object({ style: z.literal('doctest') }),
]);
export type BehaviourTests = z.infer<typeof BehaviourTestsSchema>;

export const TestFailureSchema = z.object({ name: z.string(), message: z.string() });
export type TestFailure = z.infer<typeof TestFailureSchema>;

/** One run of the behaviour tests against one version of the code. */
export const TestRunSchema = z.object({
  passed: z.array(z.string()),
  failed: z.array(TestFailureSchema),
});
export type TestRun = z.infer<typeof TestRunSchema>;

/** Tests that passed before a repair and fail after it: the repair is rejected for them. */
const BrokenTestsSchema = z.array(TestFailureSchema).default([]);
/** An input whose result a repair changed: the code before it returned normally, the candidate does otherwise. */
export const ReturnChangeSchema = z.object({ input: z.string(), before: z.string(), after: z.string() });
export type ReturnChange = z.infer<typeof ReturnChangeSchema>;

/** Why a person rejected the previous repair, to be heeded by the next. */
const ReviewerRejectionSchema = z.object({ by: z.string(), reason: z.string() }).nullable().default(null);
export type ReviewerRejection = z.infer<typeof ReviewerRejectionSchema>;

export const RepairFeedbackSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('static'), findings: z.array(FindingSchema), brokenTests: BrokenTestsSchema, rejectedBy: ReviewerRejectionSchema }),
  z.object({ kind: z.literal('fuzz'), functionName: z.string(), failures: z.array(FuzzFailureSchema), brokenTests: BrokenTestsSchema, rejectedBy: ReviewerRejectionSchema, changedReturns: z.array(ReturnChangeSchema).default([]) }),
  z.object({ kind: z.literal('syntax'), line: z.number().int().nullable(), message: z.string() }),
]);
export type RepairFeedback = z.infer<typeof RepairFeedbackSchema>;

export const RepairCodeInputSchema = z.object({ model: ModelSchema, task: z.string().nullable(), code: z.string(), feedback: RepairFeedbackSchema, limit: CallLimitSchema.optional() });
export type RepairCodeInput = z.infer<typeof RepairCodeInputSchema>;

export const CodeResultSchema = z.object({ code: z.string(), meta: AgentCallMetaSchema });
export type CodeResult = z.infer<typeof CodeResultSchema>;

export const ReviewCodeInputSchema = z.object({ model: ModelSchema, code: z.string(), toolFindings: z.array(FindingSchema), limit: CallLimitSchema.optional() });
export type ReviewCodeInput = z.infer<typeof ReviewCodeInputSchema>;

/** The agent's word on the tool finding numbered `finding` (1-based, as the prompt lists them). */
export const TriageSchema = z.object({ finding: z.number().int().min(1), verdict: z.enum(['confirmed', 'dismissed']), reason: z.string().min(1).max(1_000) });
export type Triage = z.infer<typeof TriageSchema>;

export const ReviewResultSchema = z.object({
  findings: z.array(FindingSchema),
  /** Results recorded before the agent triaged tool findings have none. */
  triage: z.array(TriageSchema).default([]),
  meta: AgentCallMetaSchema,
});
export type ReviewResult = z.infer<typeof ReviewResultSchema>;

export const WriteSeedsInputSchema = z.object({ model: ModelSchema, code: z.string(), functions: z.array(FunctionInfoSchema), limit: CallLimitSchema.optional() });
export type WriteSeedsInput = z.infer<typeof WriteSeedsInputSchema>;

export const SeedsResultSchema = z.object({ target: FuzzTargetSchema, meta: AgentCallMetaSchema });
export type SeedsResult = z.infer<typeof SeedsResultSchema>;

// ---- approvals: a person accepts what ships ----

/**
 * `final`: the run waits for a person to approve the final code before it accepts it;
 * `each-repair`: before it applies each repair. `none`: the run accepts its code itself.
 */
export const ApprovalSettingsSchema = z.object({
  mode: z.enum(['none', 'final', 'each-repair']),
  /** How long a decision may take; when it passes the code is not accepted (null: wait for ever). */
  timeoutMs: z.number().int().positive().nullable(),
});
export type ApprovalSettings = z.infer<typeof ApprovalSettingsSchema>;

const PersonSchema = z.string().trim().min(1, 'say who decides').max(200);

/** The `approve` update's argument: who approves, and why if they wish. */
export const ApproveInputSchema = z.object({ by: PersonSchema, reason: z.string().max(2_000).optional() });
export type ApproveInput = z.infer<typeof ApproveInputSchema>;
/** The `reject` update's argument: who rejects, and why (required: the Coding agent and the audit trail are told). */
export const RejectInputSchema = z.object({ by: PersonSchema, reason: z.string().trim().min(1, 'a reason is required to reject').max(2_000) });
export type RejectInput = z.infer<typeof RejectInputSchema>;

/** One decision: what was asked, the answer, who gave it, when and why. */
export const ApprovalDecisionSchema = z.object({
  subject: z.enum(['final', 'repair']),
  /** What was to be approved, e.g. "static round 1 repair" or "the final code". */
  label: z.string(),
  decision: z.enum(['approved', 'rejected', 'timed-out']),
  by: z.string().nullable(),
  reason: z.string().nullable(),
  askedAtMs: z.number(),
  decidedAtMs: z.number(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

// ---- budgets: what a run or a batch may spend on the model ----

const BudgetLimitSchema = z.number({ error: 'must be a whole number of 0 or more' }).int('must be a whole number').min(0, 'must be 0 or more').nullable();
/** Ceilings on model use; a run stops calling the model when one is reached. Null: that one has no limit. */
export const BudgetSchema = z.object({ maxTokens: BudgetLimitSchema, maxLlmCalls: BudgetLimitSchema });
export type Budget = z.infer<typeof BudgetSchema>;

/** What a run spent on the model, against its budget. */
export const SpendSchema = z.object({
  /** Model requests, re-asks included. */
  llmCalls: z.number().int(),
  /** From the usage the endpoint reported and the model's price; null without a price. */
  costUsd: z.number().nullable(),
  budget: BudgetSchema.nullable(),
  /** Why the run stopped calling the model before it was done, when its budget did that. */
  stoppedBy: z.string().nullable(),
});
export type Spend = z.infer<typeof SpendSchema>;

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
    ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'has no Python function signature (def name(...):); a prompt is a Python signature with a docstring' });
  }
  if (req.prompt !== undefined && req.llm === null) {
    ctx.addIssue({ code: 'custom', path: ['llm'], message: 'writing code from a prompt needs an LLM: set OPENAI_BASE_URL / OPENAI_API_KEY and a model' });
  }
  const problem = req.tests ? testsProblem(req.tests, text) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['tests'], message: problem });
});

const defines = (source: string, name: string) => new RegExp(`^\\s*(async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(source);

/** The test functions of a tests source, by name: its top-level `def test…(`. */
export function testFunctionNames(source: string): string[] {
  return [...source.matchAll(/^def\s+(test\w*)\s*\(/gm)].map((m) => m[1] ?? '').filter((n) => n.length > 0);
}

/** What makes tests unusable for this code (the prompt or code as given), or null. */
export function testsProblem(tests: BehaviourTests, text: string): string | null {
  switch (tests.style) {
    case 'check':
      if (!defines(tests.source, 'check')) return 'define check(candidate), as HumanEval tests do, or top-level test functions (def test_...():)';
      return defines(text, tests.entryPoint) ? null : `name a function the code defines as the entry point: the code has no def ${tests.entryPoint}(...)`;
    case 'functions':
      return testFunctionNames(tests.source).length > 0 ? null : 'define at least one top-level test function (def test_...():)';
    case 'doctest':
      return text.includes('>>>') ? null : 'the code has no docstring examples (>>> lines) to run as tests';
  }
}
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
export type HardenRequestInput = HardenSettingsInput & { prompt?: string; code?: string; source?: string | undefined; tests?: BehaviourTests | null | undefined };

/** The values a caller's omissions take: today's (defaults.ts) at the edge, frozen ones for old runs. */
export interface RequestDefaults {
  source: string;
  maxStaticRounds: number;
  minSeverity: Severity;
  securityOnly: boolean;
  llm: { maxAttempts: number };
  fuzz: HardenSettings['fuzz'];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `defaults` overridden by every value the caller gave; what is not an object is left for the schema to refuse. */
function filled(defaults: object, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) out[key] = value;
  return out;
}

/** Settings with every omitted field taken from `defaults`; the schema then judges the whole. */
export function withSettingsDefaults(input: unknown, defaults: RequestDefaults): unknown {
  if (!isRecord(input)) return input;
  const { maxStaticRounds, minSeverity, securityOnly } = defaults;
  const llm = isRecord(input.llm) ? filled(defaults.llm, input.llm) : input.llm;
  const fuzz = input.fuzz === undefined ? { ...defaults.fuzz } : isRecord(input.fuzz) ? filled(defaults.fuzz, input.fuzz) : input.fuzz;
  return { ...filled({ maxStaticRounds, minSeverity, securityOnly }, input), llm, fuzz };
}

/** A request with every omitted field taken from `defaults`. */
export function withRequestDefaults(input: unknown, defaults: RequestDefaults): unknown {
  const settings = withSettingsDefaults(input, defaults);
  return isRecord(settings) && settings.source === undefined ? { ...settings, source: defaults.source } : settings;
}

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
    remainingByKind: z.object({ security: z.number().int(), robustness: z.number().int(), contract: z.number().int() }).default({ security: 0, robustness: 0, contract: 0 }),
    /** The behaviour tests against the first code and the final code; null when the run had none. */
    tests: z.object({ style: z.enum(['check', 'functions', 'doctest']), before: TestRunSchema, after: TestRunSchema }).nullable().default(null),
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

/**
 * Results of runs that finished before the fields were renamed (fuzz.executed summed every pass;
 * a repair round's remainingFailures / staticFindings were its candidate's) or before failing
 * inputs were summarised read as today's, so `asc result` and `asc audit` still work on them.
 */
function upgradeLegacyResult(value: unknown): unknown {
  return withRemainingByKind(renamedFields(value));
}

/** Results from before kinds: static findings by their CWE, failing inputs by their events. */
function withRemainingByKind(value: unknown): unknown {
  if (!isRecord(value) || value.remainingByKind !== undefined) return value;
  const counts = { security: 0, robustness: 0, contract: 0 };
  for (const f of Array.isArray(value.remainingFindings) ? value.remainingFindings : []) counts[staticKind(isRecord(f) && typeof f.cwe === 'string' ? f.cwe : null)]++;
  const summary = isRecord(value.remainingFailureSummary) ? value.remainingFailureSummary : {};
  const inputs = typeof summary.inputs === 'number' ? summary.inputs : 0;
  const withEvents = (Array.isArray(value.remainingFailures) ? value.remainingFailures : []).filter((f) => isRecord(f) && isRecord(f.outcome) && Array.isArray(f.outcome.events) && f.outcome.events.length > 0).length;
  counts.security += withEvents;
  counts.robustness += Math.max(0, inputs - withEvents);
  return { ...value, remainingByKind: counts };
}

function renamedFields(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.fuzz) || value.fuzz.failureSummary !== undefined) return value;
  const listed = (list: unknown) => ({ inputs: Array.isArray(list) ? list.length : 0, byKind: {} });
  const { executed, repairRounds, ...fuzz } = value.fuzz;
  const rounds = Array.isArray(repairRounds) ? repairRounds : [];
  // Before the renames, fuzz.executed summed every pass, each of the whole corpus.
  const perPass = typeof executed === 'number' ? Math.round(executed / (rounds.length + 1)) : fuzz.firstPassExecuted;
  const upgraded = rounds.map((round: unknown) => {
    if (!isRecord(round) || round.candidateFailures !== undefined) return isRecord(round) ? { ...round, candidateFailureSummary: listed(round.candidateFailures) } : round;
    const { remainingFailures, staticFindings, ...rest } = round;
    return { ...rest, candidateExecuted: perPass, candidateFailures: remainingFailures, candidateFailureSummary: listed(remainingFailures), candidateStaticFindings: staticFindings };
  });
  return {
    ...value,
    remainingFailureSummary: listed(value.remainingFailures),
    fuzz: { ...fuzz, firstPassExecuted: perPass, failureSummary: listed(fuzz.failures), repairRounds: upgraded },
  };
}

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

/** A readable one-paragraph account of a zod error, naming each field at fault. */
export function describeZodError(what: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${what} is invalid: ${issues.join('; ')}`;
}
