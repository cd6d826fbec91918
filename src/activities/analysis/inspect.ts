import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { InspectResultSchema, type InspectResult } from '../../common/schemas.js';
import { runProcess } from '../process.js';

const INSPECT_SCRIPT = fileURLToPath(new URL('../../../../python/inspect_code.py', import.meta.url));

/** Parses the code with Python's own parser (never running it): syntax error and functions. */
export async function inspectPython(python: string, code: string): Promise<InspectResult> {
  const run = await runProcess(python, [INSPECT_SCRIPT], code, 30_000);
  if (run.exitCode !== 0) {
    throw ApplicationFailure.nonRetryable(`inspecting the code with ${python} failed (exit ${run.exitCode}): ${run.stderr.slice(0, 500)}`, 'AnalyserBroken');
  }
  return InspectResultSchema.parse(JSON.parse(run.stdout));
}
