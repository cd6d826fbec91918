import type { Env } from '../common/config.js';
import type { ApprovalSettings, Budget, HardenSettingsInput } from '../common/schemas/index.js';
import { priceOf, priceTable } from './prices.js';
import { duration, oneOf, UsageError, wholeNumber } from './usage.js';

/** Options `asc harden` and `asc batch` share, and the settings they make. */

/** The model and what it may spend. */
export const MODEL_OPTIONS = {
  model: { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-llm-calls': { type: 'string' },
} as const;

/** The LLM settings of a run: the model, and its price from the table (for the run's cost). */
export function llmSettings(env: Env, useLlm: boolean, model: string | undefined): HardenSettingsInput['llm'] {
  if (!useLlm) return null;
  const name = model ?? env.ASC_MODEL;
  return { model: name, price: priceOf(name, priceTable(env.ASC_PRICES)) };
}

/** `--max-tokens` and `--max-llm-calls`: undefined when neither is given. */
export function budgetFlags(
  values: { 'max-tokens'?: string | undefined; 'max-llm-calls'?: string | undefined },
  useLlm: boolean,
): Budget | undefined {
  const maxTokens = wholeNumber('max-tokens', values['max-tokens']) ?? null;
  const maxLlmCalls = wholeNumber('max-llm-calls', values['max-llm-calls']) ?? null;
  if (maxTokens === null && maxLlmCalls === null) return undefined;
  if (!useLlm)
    throw new UsageError(
      '--max-tokens and --max-llm-calls limit the model, and this run uses none (no LLM configured, or --no-llm / --audit)',
    );
  return { maxTokens, maxLlmCalls };
}

/** Who accepts the code. */
export const APPROVAL_OPTIONS = {
  approval: { type: 'string' },
  'approval-timeout': { type: 'string' },
} as const;

const APPROVAL_MODES = ['final', 'each-repair'] as const;

/** `--approval WHEN [--approval-timeout D]`: undefined when not asked for. */
export function approvalSettings(when: string | undefined, timeout: string | undefined): ApprovalSettings | undefined {
  const mode = oneOf('approval', when, APPROVAL_MODES);
  const timeoutMs = duration('approval-timeout', timeout) ?? null;
  if (mode === undefined) {
    if (timeoutMs !== null) throw new UsageError('--approval-timeout needs --approval final or --approval each-repair');
    return undefined;
  }
  return { mode, timeoutMs };
}

/** Every option `asc harden` and `asc batch` share: the model, the loop's bounds, approvals, the exit policy, the run's id. */
export const HARDEN_OPTIONS = {
  ...MODEL_OPTIONS,
  ...APPROVAL_OPTIONS,
  'max-static-rounds': { type: 'string' },
  mutations: { type: 'string' },
  seed: { type: 'string' },
  unguided: { type: 'boolean', default: false },
  'security-only': { type: 'boolean', default: false },
  'fail-on': { type: 'string' },
  id: { type: 'string' },
  'no-wait': { type: 'boolean', default: false },
} as const;

type Flag<T> = T | undefined;
interface HardenFlagValues {
  model?: Flag<string>;
  'max-static-rounds'?: Flag<string>;
  mutations?: Flag<string>;
  seed?: Flag<string>;
  unguided?: Flag<boolean>;
  'security-only'?: Flag<boolean>;
}

/**
 * Only the settings the flags ask for (the edge fills in the defaults); the caller adds the
 * approval settings last, after what it reads of its own. `--max-tokens` and
 * `--max-llm-calls` are a run's own budget, checked right after the model it limits, or a batch's
 * to share out, which the batch's caller reads.
 */
export function hardenSettings(
  env: Env,
  values: HardenFlagValues & Parameters<typeof budgetFlags>[0],
  useLlm: boolean,
  budgetOf: 'run' | 'batch',
): HardenSettingsInput {
  const llm = llmSettings(env, useLlm, values.model);
  const budget = budgetOf === 'run' ? { budget: budgetFlags(values, useLlm) } : {};
  return {
    llm,
    ...budget,
    maxStaticRounds: wholeNumber('max-static-rounds', values['max-static-rounds']),
    securityOnly: values['security-only'] || undefined,
    fuzz: {
      mutations: wholeNumber('mutations', values.mutations),
      seed: wholeNumber('seed', values.seed),
      coverageGuided: values.unguided ? false : undefined,
    },
  };
}
