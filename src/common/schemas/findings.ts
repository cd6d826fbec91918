import { z } from 'zod';
import { CweSchema, staticKind } from '../cwe.js';
import { isRecord } from '../is-record.js';
import { FuzzCaseSchema, FuzzOutcomeSchema } from '../sandbox.js';

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
  triage: z
    .object({ verdict: z.enum(['confirmed', 'dismissed']), reason: z.string().max(1_000) })
    .nullable()
    .default(null),
  /** Other analysers that reported the same CWE on the same line ("Semgrep command-injection-shell"). */
  alsoFoundBy: z.array(z.string()).default([]),
});
export const FindingSchema = z.preprocess(
  (value) =>
    isRecord(value) && value.kind === undefined ? { ...value, kind: staticKind(typeof value.cwe === 'string' ? value.cwe : null) } : value,
  FindingFieldsSchema,
);
export type Finding = z.infer<typeof FindingSchema>;

/** Counts by key (a CWE, a kind of failure). */
export const CountsSchema = z.record(z.string(), z.number().int());

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
