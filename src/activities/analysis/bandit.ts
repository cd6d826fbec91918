import { z } from 'zod';
import { failure } from '../../common/failures.js';
import { ANALYSER_DEADLINE_MS } from '../../common/timeouts.js';
import { staticKind } from '../../common/cwe.js';
import type { Finding, Severity } from '../../common/schemas/index.js';
import { droppedByProfile } from './bandit-profile.js';
import { runAnalyser, withCodeFile, type AnalyserReport } from './run-analyser.js';

/** The part of Bandit's JSON report we read (bandit >= 1.7.5 adds issue_cwe). */
const BanditReportSchema = z.object({
  errors: z.array(z.object({ filename: z.string(), reason: z.string() })),
  results: z.array(
    z.object({
      test_id: z.string(),
      test_name: z.string(),
      issue_text: z.string(),
      issue_severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'UNDEFINED']),
      issue_confidence: z.enum(['LOW', 'MEDIUM', 'HIGH', 'UNDEFINED']),
      issue_cwe: z.object({ id: z.number().int() }).optional(),
      line_number: z.number().int(),
      more_info: z.string().optional(),
    }),
  ),
});

const SEVERITY_RANK: Record<Severity, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

function asSeverity(value: 'LOW' | 'MEDIUM' | 'HIGH' | 'UNDEFINED'): Severity {
  return value === 'UNDEFINED' ? 'LOW' : value;
}

/**
 * Runs Bandit on one file of code and returns its findings at or above `minSeverity`, but for
 * the tests this project's profile drops (bandit-profile.ts). `# nosec` comments are ignored:
 * code under test must not be able to tell its analyser to look away.
 */
export async function banditFindings(bandit: string, code: string, minSeverity: Severity): Promise<AnalyserReport> {
  return withCodeFile(code, async (file) => {
    const fix = 'run scripts/setup.sh to install it, or set ASC_BANDIT';
    const run = await runAnalyser({ program: bandit, fix }, ['-f', 'json', '-q', '--ignore-nosec', file], '', ANALYSER_DEADLINE_MS);
    // Bandit exits 1 when it finds issues; anything else with no JSON is a broken install.
    let report: z.infer<typeof BanditReportSchema>;
    try {
      report = BanditReportSchema.parse(JSON.parse(run.stdout));
    } catch {
      throw failure('AnalyserBroken', `bandit (${bandit}) gave no JSON report (exit ${run.exitCode}): ${run.stderr.slice(0, 500)}; ${fix}`);
    }
    const findings = report.results
      .filter((r) => !droppedByProfile(r.test_id))
      .map((r): Finding => {
        const cwe = r.issue_cwe ? `CWE-${r.issue_cwe.id}` : null;
        return {
          kind: staticKind(cwe),
          source: 'bandit',
          ruleId: r.test_id,
          cwe,
          line: r.line_number,
          severity: asSeverity(r.issue_severity),
          confidence: asSeverity(r.issue_confidence),
          message: `${r.test_name}: ${r.issue_text}`,
          fix: r.more_info ?? null,
          triage: null,
          alsoFoundBy: [],
        };
      })
      .filter((f) => atLeast(f.severity, minSeverity));
    return { findings, errors: report.errors.slice(0, 20).map((e) => `Bandit could not analyse the code: ${e.reason}`.slice(0, 1_000)) };
  });
}
