import { isRecord } from './is-record.js';
import type { RequestDefaults } from './schemas/request.js';

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

/** The values a caller's omissions take: today's at the edge, frozen ones for old runs. */
export interface BatchDefaults {
  concurrency: number;
  tasksPerRun: number;
}

/** A batch with every omitted field, its settings' too, taken from the defaults. */
export function withBatchDefaults(input: unknown, batch: BatchDefaults, request: RequestDefaults): unknown {
  if (!isRecord(input)) return input;
  return {
    ...input,
    settings: withSettingsDefaults(input.settings, request),
    concurrency: input.concurrency ?? batch.concurrency,
    tasksPerRun: input.tasksPerRun ?? batch.tasksPerRun,
    skipped: input.skipped ?? [],
  };
}
