import { z } from 'zod';

// ---- budgets: what a run or a batch may spend on the model ----

const BudgetLimitSchema = z
  .number({ error: 'must be a whole number of 0 or more' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .nullable();
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
