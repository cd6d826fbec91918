import type { FuzzCase, KernelWatch } from '../common/sandbox.js';
import type { FuzzFailure, FuzzTarget, TargetParam } from '../common/schemas/index.js';

/** The function under test and the corpus every pass runs: the seeds and their mutations. */
export interface FuzzPlan {
  /** The Fuzzing agent's target, its parameters classified (who sets them, what they accept). */
  target: Omit<FuzzTarget, 'params'> & { params: TargetParam[] };
  cases: FuzzCase[];
}

/** One pass of the whole corpus over one version of the code. */
export interface FuzzPass {
  failures: FuzzFailure[];
  /** Inputs that ran (an input cut off by a dying batch did not). */
  executed: number;
  loadError: string | null;
  /** Why not every input has an outcome the harness vouches for: the pass cannot clear the code. */
  incomplete: string | null;
  /** Modules the code imports that the sandbox lacks: they ran as recording stubs. */
  stubbed: string[];
  /** Whether the kernel watched what the inputs started and connected to; null for results from before it. */
  kernelWatch: KernelWatch | null;
  /** The lines of the target that can run, and the lines each input reached. */
  coverage: { coverable: number[]; reached: Record<string, number[]> };
  /** What each input that returned normally, with no security event, returned (its repr): the behaviour a repair must keep. */
  returned: Record<string, string>;
}

/** A pass that ran nothing. */
export const EMPTY_PASS: FuzzPass = {
  failures: [],
  executed: 0,
  loadError: null,
  incomplete: null,
  stubbed: [],
  kernelWatch: null,
  coverage: { coverable: [], reached: {} },
  returned: {},
};
