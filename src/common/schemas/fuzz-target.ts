import { z } from 'zod';
import { PyTypeSchema } from '../fuzz-value.js';
import { EntrySchema, FuzzCaseSchema } from '../sandbox.js';

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
