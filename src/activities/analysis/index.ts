import { z } from 'zod';
import { InspectResultSchema, StaticAnalysisInputSchema, type InspectResult, type StaticToolsResult } from '../../common/schemas/index.js';
import { mergeFindings } from '../../domain/findings.js';
import { banditFindings } from './bandit.js';
import { inspectPython } from './inspect.js';
import { semgrepFindings, type SemgrepSetup } from './semgrep.js';
import { withHeartbeat } from '../heartbeat.js';
import { parseInput } from '../validate.js';

export interface AnalysisDeps {
  bandit: string;
  semgrep: SemgrepSetup;
  python: string;
}

/** Activities of the analysis queue: they need the Python toolchain, never the network. */
export function createAnalysisActivities(deps: AnalysisDeps) {
  return {
    /** Bandit and Semgrep (this project's rule pack) side by side: one finding per CWE and line, every reporter named. */
    runStaticTools: async (input: z.input<typeof StaticAnalysisInputSchema>): Promise<StaticToolsResult> => {
      const { code, minSeverity } = parseInput(StaticAnalysisInputSchema, input, 'runStaticTools input');
      const started = Date.now();
      const [bandit, semgrep] = await withHeartbeat(() =>
        Promise.all([banditFindings(deps.bandit, code, minSeverity), semgrepFindings(deps.semgrep, code, minSeverity)]),
      );
      return {
        findings: mergeFindings(bandit.findings, semgrep.findings),
        errors: [...bandit.errors, ...semgrep.errors],
        durationMs: Date.now() - started,
      };
    },
    /** Bandit alone: what runs started before Semgrep joined still schedule. */
    runBandit: async (input: z.input<typeof StaticAnalysisInputSchema>): Promise<StaticToolsResult> => {
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
