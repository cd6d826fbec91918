import { z } from 'zod';
import { InspectResultSchema, StaticAnalysisInputSchema, type BanditResult, type InspectResult } from '../../common/schemas.js';
import { banditFindings } from './bandit.js';
import { inspectPython } from './inspect.js';
import { withHeartbeat } from '../heartbeat.js';
import { parseInput } from '../validate.js';

export interface AnalysisDeps {
  bandit: string;
  python: string;
}

/** Activities of the analysis queue: they need the Python toolchain, never the network. */
export function createAnalysisActivities(deps: AnalysisDeps) {
  return {
    runBandit: async (input: z.input<typeof StaticAnalysisInputSchema>): Promise<BanditResult> => {
      const { code, minSeverity } = parseInput(StaticAnalysisInputSchema, input, 'runBandit input');
      const started = Date.now();
      const { findings, errors } = await withHeartbeat(() => banditFindings(deps.bandit, code, minSeverity));
      return { findings, errors, durationMs: Date.now() - started };
    },
    inspectCode: async (code: string): Promise<InspectResult> => {
      const text = parseInput(z.string(), code, 'inspectCode input');
      return InspectResultSchema.parse(await withHeartbeat(() => inspectPython(deps.python, text)));
    },
  };
}

export type AnalysisActivities = ReturnType<typeof createAnalysisActivities>;
