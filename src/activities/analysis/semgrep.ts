import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { failure } from '../../common/failures.js';
import { staticKind } from '../../common/cwe.js';
import { ANALYSER_DEADLINE_MS } from '../../common/timeouts.js';
import { SeveritySchema, type Finding, type Severity } from '../../common/schemas/index.js';
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

const RESOLVE_SCRIPT = fileURLToPath(new URL('../../../../python/semgrep_rules.py', import.meta.url));
const FIX = 'run scripts/setup.sh to install it, or set ASC_SEMGREP (and ASC_RULES)';

/** The rule pack's files, in order: what the resolved file is made of. */
async function ruleFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (path) =>
        !relative(folder, path)
          .split(sep)
          .some((part) => part.startsWith('.')),
    )
    .sort();
}

/**
 * The rule pack as one JSON rule file with its YAML anchors resolved, which Semgrep's OCaml
 * command line takes (it refuses the anchor-only keys of the YAML files). Made once per content
 * of the pack, by the YAML library of Semgrep's own environment, and kept beside the system's
 * temporary files under the content's hash, so every worker of a host shares it.
 */
export async function resolvedRules(setup: SemgrepSetup): Promise<string> {
  // Keyed by the install too: each Semgrep resolves the pack with its own YAML library.
  const hash = createHash('sha256').update(setup.program);
  for (const file of await ruleFiles(setup.rules).catch(() => [])) hash.update(file).update(await readFile(file));
  const path = join(tmpdir(), `asc-semgrep-rules-${hash.digest('hex').slice(0, 16)}.json`);
  if (existsSync(path)) return path;
  // A fresh worker's first analyses arrive together: they share one resolution.
  let resolving = inFlight.get(path);
  if (!resolving) {
    resolving = resolveInto(setup, path).finally(() => inFlight.delete(path));
    inFlight.set(path, resolving);
  }
  return resolving;
}

const inFlight = new Map<string, Promise<string>>();

async function resolveInto(setup: SemgrepSetup, path: string): Promise<string> {
  // Semgrep's own Python (its environment has ruamel.yaml); a semgrep found on PATH goes with python3.
  const python = setup.program.includes(sep) ? join(dirname(setup.program), 'python') : 'python3';
  const run = await runAnalyser(
    { program: python, fix: `it is the Python of the Semgrep at ${setup.program}; ${FIX}` },
    [RESOLVE_SCRIPT, setup.rules],
    '',
    ANALYSER_DEADLINE_MS,
  );
  if (run.exitCode !== 0)
    throw failure(
      'AnalyserBroken',
      `the Semgrep rule pack ${setup.rules} could not be read (exit ${run.exitCode}): ${run.stderr.slice(-500)}; ${FIX}`,
    );
  // Written whole, then renamed: a worker never reads a half-written file. Workers in
  // containers all run as pid 1, so the temporary name is unique by more than the pid.
  const partial = `${path}.${randomUUID()}.partial`;
  await writeFile(partial, run.stdout);
  await rename(partial, path);
  return path;
}

/**
 * Runs the rule pack over one file of code, offline (no metrics, no version check, no
 * registry), and returns its findings at or above `minSeverity`. Comments that ask Semgrep to
 * look away (`nosemgrep`) are ignored, as `# nosec` is for Bandit. Semgrep's OCaml command line
 * (`--experimental`) gives the same findings as its Python one on the whole efficacy corpus, in a
 * tenth of the time (0.26 s a file here against 2.8 s), most of which was Python starting up.
 */
export async function semgrepFindings(setup: SemgrepSetup, code: string, minSeverity: Severity): Promise<AnalyserReport> {
  const rules = await resolvedRules(setup);
  return withCodeFile(code, async (file, dir) => {
    const fix = FIX;
    // semgrep execs pysemgrep from its own directory, and keeps its settings under HOME. It
    // also leaves a copy of the rules per rule file in TMPDIR on every scan: the call's own
    // directory, removed with it, keeps a long-lived worker's /tmp from filling up.
    const env = {
      ...process.env,
      PATH: `${dirname(setup.program)}:${process.env.PATH ?? ''}`,
      HOME: dir,
      TMPDIR: dir,
      SEMGREP_SEND_METRICS: 'off',
      SEMGREP_ENABLE_VERSION_CHECK: '0',
    };
    // No size limit of Semgrep's own: the request bounds the code already, and a skipped file would read as clean.
    const args = [
      'scan',
      '--experimental',
      '--config',
      rules,
      '--metrics=off',
      '--disable-version-check',
      '--disable-nosem',
      '--max-target-bytes',
      '0',
      '--json',
      '--quiet',
      '--jobs',
      '1',
      file,
    ];
    const run = await runAnalyser({ program: setup.program, fix, env }, args, '', ANALYSER_DEADLINE_MS);
    let report: z.infer<typeof SemgrepReportSchema>;
    try {
      report = SemgrepReportSchema.parse(JSON.parse(run.stdout));
    } catch {
      throw failure(
        'AnalyserBroken',
        `semgrep (${setup.program}) gave no JSON report (exit ${run.exitCode}): ${run.stderr.slice(0, 500)}; ${fix}`,
      );
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
    const errors = report.errors
      .filter((e) => e.level === 'error')
      .slice(0, 20)
      .map((e) => `Semgrep could not analyse the code: ${e.message ?? 'unknown error'}`.slice(0, 1_000));
    return { findings, errors };
  });
}
