import { failure } from '../../common/failures.js';
import { runProcess, type ProcessResult } from '../process.js';

export interface Analyser {
  /** The program, as configured. */
  program: string;
  /** What to do when it cannot run: the setting or script that fixes it. */
  fix: string;
}

/**
 * Runs an analyser over `input`. One that cannot start at all is a broken install, which no retry
 * mends: it fails at once, non-retryably, saying what to do; one that hangs may be load, so retry.
 */
export async function runAnalyser(analyser: Analyser, args: string[], input: string, timeoutMs: number): Promise<ProcessResult> {
  let run: ProcessResult;
  try {
    run = await runProcess(analyser.program, args, input, timeoutMs);
  } catch (error) {
    throw failure('AnalyserBroken', `${error instanceof Error ? error.message : String(error)}: ${analyser.fix}`);
  }
  if (run.timedOut) throw failure('AnalyserTimeout', `${analyser.program} took longer than ${timeoutMs / 1000} s`);
  return run;
}
