import { z } from 'zod';
import { FindingSchema, SeveritySchema } from './findings.js';

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
