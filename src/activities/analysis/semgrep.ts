import { dirname } from 'node:path';
import { z } from 'zod';
import { failure } from '../../common/failures.js';
import { staticKind } from '../../common/cwe.js';
import { ANALYSER_DEADLINE_MS } from '../../common/timeouts.js';
import { SeveritySchema, type Finding, type Severity } from '../../common/schemas.js';
import { atLeast } from './bandit.js';
import { runAnalyser, withCodeFile, type AnalyserReport } from './run-analyser.js';

/** Where Semgrep runs and what it runs: the project's rule pack (rules/), local files only. */
export interface SemgrepSetup {
  program: string;
  rules: string;
}

/** The part of Semgrep's JSON report we read. */
const SemgrepReportSchema = z.object({
  errors: z.array(z.object({ level: z.string().optional(), message: z.string().optional(), type: z.unknown().optional() })),
  results: z.array(
    z.object({
      check_id: z.string(),
      start: z.object({ line: z.number().int() }),
      extra: z.object({
        message: z.string(),
        severity: z.string(),
        metadata: z.object({ cwe: z.string().regex(/^CWE-\d+$/), confidence: SeveritySchema.optional() }),
      }),
    }),
  ),
});

const SEVERITIES: Record<string, Severity> = { ERROR: 'HIGH', WARNING: 'MEDIUM', INFO: 'LOW' };

/**
 * Runs the rule pack over one file of code, offline (no metrics, no version check, no
 * registry), and returns its findings at or above `minSeverity`. Comments that ask Semgrep to
 * look away (`nosemgrep`) are ignored, as `# nosec` is for Bandit.
 */
export async function semgrepFindings(setup: SemgrepSetup, code: string, minSeverity: Severity): Promise<AnalyserReport> {
  return withCodeFile(code, async (file, dir) => {
    const fix = 'run scripts/setup.sh to install it, or set ASC_SEMGREP (and ASC_RULES)';
    // semgrep execs pysemgrep from its own directory, and keeps its settings under HOME. It
    // also leaves a copy of the rules per rule file in TMPDIR on every scan: the call's own
    // directory, removed with it, keeps a long-lived worker's /tmp from filling up.
    const env = { ...process.env, PATH: `${dirname(setup.program)}:${process.env.PATH ?? ''}`, HOME: dir, TMPDIR: dir, SEMGREP_SEND_METRICS: 'off', SEMGREP_ENABLE_VERSION_CHECK: '0' };
    // No size limit of Semgrep's own: the request bounds the code already, and a skipped file would read as clean.
    const args = ['scan', '--config', setup.rules, '--metrics=off', '--disable-version-check', '--disable-nosem', '--max-target-bytes', '0', '--json', '--quiet', '--jobs', '1', file];
    const run = await runAnalyser({ program: setup.program, fix, env }, args, '', ANALYSER_DEADLINE_MS);
    let report: z.infer<typeof SemgrepReportSchema>;
    try {
      report = SemgrepReportSchema.parse(JSON.parse(run.stdout));
    } catch {
      throw failure('AnalyserBroken', `semgrep (${setup.program}) gave no JSON report (exit ${run.exitCode}): ${run.stderr.slice(0, 500)}; ${fix}`);
    }
    const findings = report.results
      .map((r): Finding => {
        const cwe = r.extra.metadata.cwe;
        return {
          kind: staticKind(cwe),
          source: 'semgrep',
          // check_id is the rule's path in the pack, dots for slashes: keep its last part.
          ruleId: r.check_id.split('.').at(-1) ?? r.check_id,
          cwe,
          line: r.start.line,
          severity: SEVERITIES[r.extra.severity] ?? 'LOW',
          confidence: r.extra.metadata.confidence ?? 'MEDIUM',
          message: r.extra.message.trim(),
          fix: null,
          triage: null,
          alsoFoundBy: [],
        };
      })
      .filter((f) => atLeast(f.severity, minSeverity));
    const errors = report.errors.filter((e) => e.level === 'error').slice(0, 20).map((e) => `Semgrep could not analyse the code: ${e.message ?? 'unknown error'}`.slice(0, 1_000));
    return { findings, errors };
  });
}
