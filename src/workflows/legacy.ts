import { withBatchDefaults, type BatchDefaults } from '../common/fill-defaults.js';
import { withRequestDefaults } from '../common/fill-defaults.js';
import type { RequestDefaults } from '../common/schemas/index.js';
import { hasPatch } from './patches.js';

/**
 * Runs started before requests were resolved at the edge carry only the fields their caller
 * gave, and the workflow filled in the rest. They replay with the defaults of that time, frozen
 * here: never change these values, whatever src/common/defaults.ts says today.
 */
const LEGACY_REQUEST_DEFAULTS: RequestDefaults = {
  source: 'input',
  maxStaticRounds: 4,
  minSeverity: 'MEDIUM',
  securityOnly: false,
  llm: { maxAttempts: 5 },
  fuzz: { mutations: 150, batchSize: 50, timeoutMsPerInput: 2_000, maxRepairRounds: 4, seed: 1, coverageGuided: false },
};
const LEGACY_BATCH_DEFAULTS: BatchDefaults = { concurrency: 8, tasksPerRun: 500 };

/** The request as the run must read it: as given, or, for a run started before, with the old defaults. */
export function requestAsStarted(input: unknown): unknown {
  return hasPatch('requests-resolved-at-edge') ? input : withRequestDefaults(input, LEGACY_REQUEST_DEFAULTS);
}

/** The batch as the run must read it: as given, or, for a batch started before, with the old defaults. */
export function batchAsStarted(input: unknown): unknown {
  return hasPatch('requests-resolved-at-edge') ? input : withBatchDefaults(input, LEGACY_BATCH_DEFAULTS, LEGACY_REQUEST_DEFAULTS);
}
