import { fileURLToPath } from 'node:url';
import { failure } from '../../common/failures.js';
import { ANALYSER_DEADLINE_MS } from '../../common/timeouts.js';
import { InspectResultSchema, type InspectResult } from '../../common/schemas/index.js';
import { runAnalyser } from './run-analyser.js';

const INSPECT_SCRIPT = fileURLToPath(new URL('../../../../python/inspect_code.py', import.meta.url));

/** Parses the code with Python's own parser (never running it): syntax error and functions. */
export async function inspectPython(python: string, code: string): Promise<InspectResult> {
  const fix = 'run scripts/setup.sh, or set ASC_PYTHON to a Python 3 interpreter';
  const run = await runAnalyser({ program: python, fix }, [INSPECT_SCRIPT], code, ANALYSER_DEADLINE_MS);
  if (run.exitCode !== 0)
    throw failure(
      'AnalyserBroken',
      `inspecting the code with ${python} failed (exit ${run.exitCode}): ${run.stderr.slice(0, 500)}; ${fix}`,
    );
  return InspectResultSchema.parse(JSON.parse(run.stdout));
}
