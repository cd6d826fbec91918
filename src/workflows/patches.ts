import { patched } from '@temporalio/workflow';

/**
 * Every change of workflow commands that running workflows must not see, by its patch id: when it
 * came, and the saved histories (test/histories/<before>-*.json) recorded before it, which replay
 * through its old branch. The policy for retiring one is in docs/patches.md; test/replay.test.ts
 * checks the register against the histories.
 */
interface Patch {
  /** The day it came (UTC). */
  since: string;
  /** The newest generation of saved histories recorded before it. */
  before: `v${number}`;
  change: string;
  /** Why no saved history has taken its new branch yet (its condition never held in a recorded run). */
  unrecorded?: string;
}

export const PATCHES = {
  'search-attributes': { since: '2026-11-25', before: 'v1', change: 'the verdict and its summary upserted as search attributes' },
  'settle-fuzz-batches': { since: '2026-11-26', before: 'v2', change: 'a failed fuzz batch ends the run once its siblings have stopped' },
  'requests-resolved-at-edge': { since: '2026-11-28', before: 'v3', change: 'requests arrive with every default filled by the client' },
  'bounded-input-size': { since: '2026-11-28', before: 'v4', change: 'no derived input over the sandbox input bound' },
  'batches-bounded-by-size': {
    since: '2026-11-28',
    before: 'v4',
    change: 'fuzz batches split to fit a message, not only by count',
    unrecorded: 'no saved run has a corpus over one message',
  },
  'incomplete-recheck-rejects': {
    since: '2026-11-28',
    before: 'v4',
    change: 'a repair whose re-check is incomplete is rejected',
    unrecorded: 'no saved run has an incomplete re-check',
  },
  'suppression-comments-refused': {
    since: '2026-11-28',
    before: 'v4',
    change: 'a repair that adds a suppression comment gets a policy finding',
    unrecorded: 'no saved repair adds a suppression comment',
  },
  'finding-kinds': {
    since: '2026-11-28',
    before: 'v4',
    change: 'security, robustness and contract kinds; only attacker parameters mutate',
  },
  'semgrep-analysis': { since: '2026-11-28', before: 'v4', change: 'Semgrep runs beside Bandit' },
  'every-task-runs': {
    since: '2026-11-28',
    before: 'v5',
    change: 'code with no function that takes input still runs (a module, a parameterless function)',
  },
  'attack-strings': { since: '2026-11-28', before: 'v5', change: "mutation draws on the later oracles' dictionary" },
  'coverage-guided': { since: '2026-11-28', before: 'v5', change: 'the mutation budget spent in coverage-guided rounds' },
  'string-item-seeds': { since: '2026-11-28', before: 'v5', change: 'signature seeds for lists of strings' },
  'differential-check': { since: '2026-11-28', before: 'v5', change: 'a repair that changes what clean inputs return is rejected' },
  'batch-spend': { since: '2026-11-28', before: 'v6', change: 'a batch shares its budget out as tasks start' },
  'fuzz-pass': { since: '2026-11-28', before: 'v6', change: 'a fuzz pass runs every round in one activity' },
  'parse-once': { since: '2026-11-28', before: 'v6', change: 'the same code is parsed once a run' },
} as const satisfies Record<string, Patch>;

export type PatchId = keyof typeof PATCHES;

/** Whether this run takes the patched branch: the one way workflow code asks, so every id is in the register. */
export function hasPatch(id: PatchId): boolean {
  return patched(id);
}
