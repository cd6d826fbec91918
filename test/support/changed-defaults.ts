/**
 * Stands in for src/common/defaults.ts in the replay test: every default changed. A workflow
 * that read the defaults would replay old histories differently with these.
 */
export const CHANGED_DEFAULTS_MARKER = 'changed-defaults-fixture';

export const REQUEST_DEFAULTS = {
  source: CHANGED_DEFAULTS_MARKER,
  maxStaticRounds: 1,
  minSeverity: 'HIGH',
  llm: { maxAttempts: 1 },
  fuzz: { mutations: 3, batchSize: 1, timeoutMsPerInput: 100, maxRepairRounds: 0, seed: 99 },
} as const;

export const BATCH_DEFAULTS = { concurrency: 1, tasksPerRun: 1 } as const;
