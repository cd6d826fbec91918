import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { failure } from '../../common/failures.js';
import { ANALYSER_DEADLINE_MS } from '../../common/timeouts.js';
import type { Finding, Severity } from '../../common/schemas.js';
import { runAnalyser } from './run-analyser.js';

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
    if (CODING_COOKIE.test(lines[i] ?? '')) lines[i] = '# (encoding declaration removed: the code is analysed as the UTF-8 text it runs as)';
  }
  return lines.join('\n');
}

export interface BanditReport {
  findings: Finding[];
  /** What Bandit could not analyse, and why. */
  errors: string[];
}

/**
 * Runs Bandit on one file of code and returns its findings at or above `minSeverity`. `# nosec`
 * comments are ignored: code under test must not be able to tell its analyser to look away.
 */
export async function banditFindings(bandit: string, code: string, minSeverity: Severity): Promise<BanditReport> {
  const dir = await mkdtemp(join(tmpdir(), 'asc-bandit-'));
  try {
    const file = join(dir, 'code.py');
    await writeFile(file, asAnalysedText(code), 'utf8');
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
      .map(
        (r): Finding => ({
          source: 'bandit',
          ruleId: r.test_id,
          cwe: r.issue_cwe ? `CWE-${r.issue_cwe.id}` : null,
          line: r.line_number,
          severity: asSeverity(r.issue_severity),
          confidence: asSeverity(r.issue_confidence),
          message: `${r.test_name}: ${r.issue_text}`,
          fix: r.more_info ?? null,
        }),
      )
      .filter((f) => atLeast(f.severity, minSeverity));
    return { findings, errors: report.errors.slice(0, 20).map((e) => `Bandit could not analyse the code: ${e.reason}`.slice(0, 1_000)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
