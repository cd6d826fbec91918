import { z } from 'zod';

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
export const RejectInputSchema = z.object({
  by: PersonSchema,
  reason: z.string().trim().min(1, 'a reason is required to reject').max(2_000),
});
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
