/**
 * Defaults of a hardening request and of a batch. Only the edge reads them (the CLI, the batch
 * CLI, the client helpers): they resolve every request before it starts, so the workflow's
 * commands depend on its input alone and changing a default here never changes a running run.
 */
export const REQUEST_DEFAULTS = {
  source: 'input',
  maxStaticRounds: 4,
  minSeverity: 'MEDIUM',
  /** Robustness failures are repaired too (the paper's loop); --security-only skips them. */
  securityOnly: false,
  llm: { maxAttempts: 5 },
  fuzz: { mutations: 150, batchSize: 50, timeoutMsPerInput: 2_000, maxRepairRounds: 4, seed: 1, coverageGuided: true },
} as const;

export const BATCH_DEFAULTS = { concurrency: 8, tasksPerRun: 500 } as const;
