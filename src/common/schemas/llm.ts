import { z } from 'zod';
import { FindingSchema, FuzzFailureSchema } from './findings.js';
import { FuzzTargetSchema } from './fuzz-target.js';
import { FunctionInfoSchema } from './inspection.js';
import { TestFailureSchema } from './tests.js';

export const TokenUsageSchema = z.object({ prompt: z.number().int().min(0), completion: z.number().int().min(0) });
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

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

/** Tests that passed before a repair and fail after it: the repair is rejected for them. */
export const BrokenTestsSchema = z.array(TestFailureSchema).default([]);
/** An input whose result a repair changed: the code before it returned normally, the candidate does otherwise. */
export const ReturnChangeSchema = z.object({ input: z.string(), before: z.string(), after: z.string() });
export type ReturnChange = z.infer<typeof ReturnChangeSchema>;

/** Why a person rejected the previous repair, to be heeded by the next. */
const ReviewerRejectionSchema = z.object({ by: z.string(), reason: z.string() }).nullable().default(null);
export type ReviewerRejection = z.infer<typeof ReviewerRejectionSchema>;

export const RepairFeedbackSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('static'),
    findings: z.array(FindingSchema),
    brokenTests: BrokenTestsSchema,
    rejectedBy: ReviewerRejectionSchema,
  }),
  z.object({
    kind: z.literal('fuzz'),
    functionName: z.string(),
    failures: z.array(FuzzFailureSchema),
    brokenTests: BrokenTestsSchema,
    rejectedBy: ReviewerRejectionSchema,
    changedReturns: z.array(ReturnChangeSchema).default([]),
  }),
  z.object({ kind: z.literal('syntax'), line: z.number().int().nullable(), message: z.string() }),
]);
export type RepairFeedback = z.infer<typeof RepairFeedbackSchema>;

export const RepairCodeInputSchema = z.object({
  model: ModelSchema,
  task: z.string().nullable(),
  code: z.string(),
  feedback: RepairFeedbackSchema,
  limit: CallLimitSchema.optional(),
});
export type RepairCodeInput = z.infer<typeof RepairCodeInputSchema>;

export const CodeResultSchema = z.object({ code: z.string(), meta: AgentCallMetaSchema });
export type CodeResult = z.infer<typeof CodeResultSchema>;

export const ReviewCodeInputSchema = z.object({
  model: ModelSchema,
  code: z.string(),
  toolFindings: z.array(FindingSchema),
  limit: CallLimitSchema.optional(),
});
export type ReviewCodeInput = z.infer<typeof ReviewCodeInputSchema>;

/** The agent's word on the tool finding numbered `finding` (1-based, as the prompt lists them). */
export const TriageSchema = z.object({
  finding: z.number().int().min(1),
  verdict: z.enum(['confirmed', 'dismissed']),
  reason: z.string().min(1).max(1_000),
});
export type Triage = z.infer<typeof TriageSchema>;

export const ReviewResultSchema = z.object({
  findings: z.array(FindingSchema),
  /** Results recorded before the agent triaged tool findings have none. */
  triage: z.array(TriageSchema).default([]),
  meta: AgentCallMetaSchema,
});
export type ReviewResult = z.infer<typeof ReviewResultSchema>;

export const WriteSeedsInputSchema = z.object({
  model: ModelSchema,
  code: z.string(),
  functions: z.array(FunctionInfoSchema),
  limit: CallLimitSchema.optional(),
});
export type WriteSeedsInput = z.infer<typeof WriteSeedsInputSchema>;

export const SeedsResultSchema = z.object({ target: FuzzTargetSchema, meta: AgentCallMetaSchema });
export type SeedsResult = z.infer<typeof SeedsResultSchema>;
