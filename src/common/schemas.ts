import { z } from 'zod';
import { FuzzValueSchema, PyTypeSchema } from './fuzz-value.js';

/** Every workflow and activity boundary has one schema here; the types are inferred from it. */

export const SeveritySchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);
export type Severity = z.infer<typeof SeveritySchema>;

export const CweSchema = z.string().regex(/^CWE-\d+$/, 'a CWE id looks like CWE-78');

export const FindingSchema = z.object({
  source: z.enum(['bandit', 'static-agent']),
  /** Bandit test id (B602) or "llm-review". */
  ruleId: z.string(),
  cwe: CweSchema.nullable(),
  line: z.number().int().nullable(),
  severity: SeveritySchema,
  confidence: SeveritySchema,
  message: z.string(),
  fix: z.string().nullable(),
});
export type Finding = z.infer<typeof FindingSchema>;

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
});
export type InspectResult = z.infer<typeof InspectResultSchema>;

export const StaticAnalysisInputSchema = z.object({ code: z.string(), minSeverity: SeveritySchema });
export type StaticAnalysisInput = z.infer<typeof StaticAnalysisInputSchema>;

export const BanditResultSchema = z.object({ findings: z.array(FindingSchema), durationMs: z.number() });
export type BanditResult = z.infer<typeof BanditResultSchema>;

// ---- fuzzing ----

export const FuzzCaseSchema = z.object({ id: z.string(), args: z.array(FuzzValueSchema) });
export type FuzzCase = z.infer<typeof FuzzCaseSchema>;

/** How the harness reaches the code: call a function, or drive a Flask route. */
export const EntrySchema = z.enum(['call', 'route']);
export type Entry = z.infer<typeof EntrySchema>;

export const FuzzTargetSchema = z.object({
  function: z.string(),
  entry: EntrySchema.default('call'),
  params: z.array(z.object({ name: z.string(), type: PyTypeSchema })),
  seeds: z.array(FuzzCaseSchema).min(1),
});
export type FuzzTarget = z.infer<typeof FuzzTargetSchema>;

/** Something the input made the code do that a security oracle flags (python/harness.py). */
export const SecurityEventSchema = z.object({
  kind: z.enum(['shell', 'process', 'argument', 'path', 'network', 'eval', 'template', 'sql', 'deserialize', 'library']),
  cwe: CweSchema,
  detail: z.string(),
});
export type SecurityEvent = z.infer<typeof SecurityEventSchema>;

/** What every outcome may carry besides its status. */
const OutcomeExtras = {
  events: z.array(SecurityEventSchema).default([]),
  /** What the input printed: its size, its head, and whether it hit the output cap. */
  output: z.object({ bytes: z.number().int(), head: z.string(), truncated: z.boolean() }).optional(),
};

export const FuzzOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), returned: z.string(), ...OutcomeExtras }),
  /** The code raised on purpose (a `raise` in its own code): input validation, not a crash. */
  z.object({ status: z.literal('rejected'), exceptionType: z.string(), message: z.string(), line: z.number().int().nullable(), ...OutcomeExtras }),
  z.object({ status: z.literal('exception'), exceptionType: z.string(), message: z.string(), line: z.number().int().nullable(), ...OutcomeExtras }),
  z.object({ status: z.literal('timeout'), ...OutcomeExtras }),
  z.object({ status: z.literal('killed'), signal: z.number().int(), ...OutcomeExtras }),
  z.object({ status: z.literal('exited'), exitCode: z.number().int(), ...OutcomeExtras }),
  /** The batch ended (memory limit, output cap, wall-clock kill) before this input reported. */
  z.object({ status: z.literal('not-run'), reason: z.string(), ...OutcomeExtras }),
]);
export type FuzzOutcome = z.infer<typeof FuzzOutcomeSchema>;

export const FAILURE_STATUSES = ['exception', 'timeout', 'killed', 'exited'] as const;

export const RunBatchInputSchema = z.object({
  code: z.string(),
  function: z.string(),
  entry: EntrySchema.default('call'),
  /** Parameter names: for a route, the request parts ("args.q", "form.user", "json"). */
  params: z.array(z.string()).default([]),
  cases: z.array(FuzzCaseSchema).min(1),
  timeoutMsPerInput: z.number().int().positive(),
  /** Shown on the container's labels, so a leftover names its run. */
  label: z.string(),
});
export type RunBatchInput = z.infer<typeof RunBatchInputSchema>;

export const RunBatchResultSchema = z.object({
  outcomes: z.array(z.object({ id: z.string(), outcome: FuzzOutcomeSchema })),
  /** The code could not be loaded at all (import error, missing function). */
  loadError: z.string().nullable(),
  wallMs: z.number(),
});
export type RunBatchResult = z.infer<typeof RunBatchResultSchema>;

export const FuzzFailureSchema = z.object({ input: FuzzCaseSchema, outcome: FuzzOutcomeSchema });
export type FuzzFailure = z.infer<typeof FuzzFailureSchema>;

// ---- LLM agents (llm queue) ----

const ModelSchema = z.string().min(1, 'name the model');

export const LlmSettingsSchema = z.object({
  model: ModelSchema,
  /** Attempts of each agent call before the run fails (Temporal retries with backoff). */
  maxAttempts: z.number().int().min(1).max(20).default(5),
});
export type LlmSettings = z.infer<typeof LlmSettingsSchema>;

export const AgentCallMetaSchema = z.object({
  model: z.string(),
  usage: TokenUsageSchema,
  durationMs: z.number(),
  reasks: z.number().int(),
  /** The whole exchange, re-asks included, so the audit trail shows what the agent was told and said. */
  transcript: z.array(z.object({ role: z.string(), content: z.string() })).default([]),
});
export type AgentCallMeta = z.infer<typeof AgentCallMetaSchema>;

export const GenerateCodeInputSchema = z.object({ model: ModelSchema, prompt: z.string() });
export type GenerateCodeInput = z.infer<typeof GenerateCodeInputSchema>;

export const RepairFeedbackSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('static'), findings: z.array(FindingSchema) }),
  z.object({ kind: z.literal('fuzz'), functionName: z.string(), failures: z.array(FuzzFailureSchema) }),
  z.object({ kind: z.literal('syntax'), line: z.number().int().nullable(), message: z.string() }),
]);
export type RepairFeedback = z.infer<typeof RepairFeedbackSchema>;

export const RepairCodeInputSchema = z.object({ model: ModelSchema, task: z.string().nullable(), code: z.string(), feedback: RepairFeedbackSchema });
export type RepairCodeInput = z.infer<typeof RepairCodeInputSchema>;

export const CodeResultSchema = z.object({ code: z.string(), meta: AgentCallMetaSchema });
export type CodeResult = z.infer<typeof CodeResultSchema>;

export const ReviewCodeInputSchema = z.object({ model: ModelSchema, code: z.string(), toolFindings: z.array(FindingSchema) });
export type ReviewCodeInput = z.infer<typeof ReviewCodeInputSchema>;

export const ReviewResultSchema = z.object({ findings: z.array(FindingSchema), meta: AgentCallMetaSchema });
export type ReviewResult = z.infer<typeof ReviewResultSchema>;

export const WriteSeedsInputSchema = z.object({ model: ModelSchema, code: z.string(), functions: z.array(FunctionInfoSchema) });
export type WriteSeedsInput = z.infer<typeof WriteSeedsInputSchema>;

export const SeedsResultSchema = z.object({ target: FuzzTargetSchema, meta: AgentCallMetaSchema });
export type SeedsResult = z.infer<typeof SeedsResultSchema>;

// ---- the workflow ----

export const HardenRequestSchema = z
  .object({
    /** A Python signature with a docstring: the Coding agent writes the body. */
    prompt: z.string().optional(),
    /** Existing code to harden (or, with no LLM, to audit). */
    code: z.string().optional(),
    /** File name or dataset id, for reports. */
    source: z.string().default('input'),
    /** Null runs an audit: static analysis and fuzzing, no repair. */
    llm: LlmSettingsSchema.nullable(),
    maxStaticRounds: z.number().int().min(1).max(10).default(4),
    /** Bandit findings below this severity are not counted. */
    minSeverity: SeveritySchema.default('MEDIUM'),
    fuzz: z
      .object({
        mutations: z.number().int().min(0).max(10_000).default(150),
        batchSize: z.number().int().min(1).max(1_000).default(50),
        timeoutMsPerInput: z.number().int().min(100).max(60_000).default(2_000),
        maxRepairRounds: z.number().int().min(0).max(10).default(4),
        /** Seed of the mutation PRNG; the same seed gives the same inputs. */
        seed: z.number().int().default(1),
      })
      .prefault({}),
  })
  .superRefine((req, ctx) => {
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
  });
export type HardenRequest = z.infer<typeof HardenRequestSchema>;
export type HardenRequestInput = z.input<typeof HardenRequestSchema>;

export const AgentStepSchema = z.object({
  index: z.number().int(),
  agent: z.enum(['coding', 'static-analyser', 'fuzzing', 'bandit', 'inspector', 'sandbox']),
  action: z.string(),
  summary: z.string(),
  durationMs: z.number(),
  usage: TokenUsageSchema.nullable(),
});
export type AgentStep = z.infer<typeof AgentStepSchema>;

export const StaticRoundSchema = z.object({ round: z.number().int(), findings: z.array(FindingSchema), repaired: z.boolean() });
export type StaticRound = z.infer<typeof StaticRoundSchema>;

export const FuzzRepairRoundSchema = z.object({
  round: z.number().int(),
  remainingFailures: z.array(FuzzFailureSchema),
  staticFindings: z.array(FindingSchema),
  accepted: z.boolean(),
});

export const VerdictSchema = z.enum(['secure', 'vulnerable', 'could-not-verify']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const HardenResultSchema = z.object({
  verdict: VerdictSchema,
  reasons: z.array(z.string()),
  mode: z.enum(['harden', 'audit']),
  source: z.string(),
  model: z.string().nullable(),
  initialCode: z.string(),
  finalCode: z.string(),
  staticRounds: z.array(StaticRoundSchema),
  fuzz: z.object({
    target: z.object({ function: z.string(), entry: EntrySchema, params: FuzzTargetSchema.shape.params }).nullable(),
    skippedReason: z.string().nullable(),
    executed: z.number().int(),
    failures: z.array(FuzzFailureSchema),
    repairRounds: z.array(FuzzRepairRoundSchema),
  }),
  findingsBefore: z.record(z.string(), z.number().int()),
  findingsAfter: z.record(z.string(), z.number().int()),
  remainingFindings: z.array(FindingSchema),
  remainingFailures: z.array(FuzzFailureSchema),
  steps: z.array(AgentStepSchema),
  usage: TokenUsageSchema,
});
export type HardenResult = z.infer<typeof HardenResultSchema>;

export const ProgressSchema = z.object({
  phase: z.enum(['generating', 'static', 'fuzzing', 'fuzz-repair', 'done']),
  staticRound: z.number().int(),
  fuzzRepairRound: z.number().int(),
  fuzzExecuted: z.number().int(),
  fuzzFailures: z.number().int(),
  steps: z.number().int(),
  lastStep: z.string().nullable(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** A readable one-paragraph account of a zod error, naming each field at fault. */
export function describeZodError(what: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${what} is invalid: ${issues.join('; ')}`;
}
