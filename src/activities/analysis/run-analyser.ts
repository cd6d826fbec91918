import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failure } from '../../common/failures.js';
import type { Finding } from '../../common/schemas/index.js';
import { runProcess, type ProcessResult } from '../process.js';

/** What an analyser found in the code, and what it could not analyse, and why. */
export interface AnalyserReport {
  findings: Finding[];
  errors: string[];
}

export interface Analyser {
  /** The program, as configured. */
  program: string;
  /** What to do when it cannot run: the setting or script that fixes it. */
  fix: string;
  /** Its environment, when it needs more than the worker's. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs an analyser over `input`. One that cannot start at all is a broken install, which no retry
 * mends: it fails at once, non-retryably, saying what to do; one that hangs may be load, so retry.
 */
export async function runAnalyser(analyser: Analyser, args: string[], input: string, timeoutMs: number): Promise<ProcessResult> {
  let run: ProcessResult;
  try {
    run = await runProcess(analyser.program, args, input, timeoutMs, undefined, analyser.env);
  } catch (error) {
    throw failure('AnalyserBroken', `${error instanceof Error ? error.message : String(error)}: ${analyser.fix}`);
  }
  if (run.timedOut) throw failure('AnalyserTimeout', `${analyser.program} took longer than ${timeoutMs / 1000} s`);
  return run;
}

/** A PEP 263 encoding declaration: it may stand on the first or second line only. */
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/;

/**
 * The code as the sandbox runs it: a Python str, whose encoding declaration Python ignores. A
 * file would let the declaration choose how Bandit decodes it (an unknown one makes Bandit skip
 * the file), so the declaration is blanked, keeping every line where it was.
 */
export function asAnalysedText(code: string): string {
  const lines = code.split('\n');
  for (let i = 0; i < Math.min(2, lines.length); i++) {
    if (CODING_COOKIE.test(lines[i] ?? ''))
      lines[i] = '# (encoding declaration removed: the code is analysed as the UTF-8 text it runs as)';
  }
  return lines.join('\n');
}

/** Runs `use` on the code written as `code.py` in a directory of its own, removed afterwards whatever happens. */
export async function withCodeFile<T>(code: string, use: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'asc-analysis-'));
  try {
    const file = join(dir, 'code.py');
    await writeFile(file, asAnalysedText(code), 'utf8');
    return await use(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
