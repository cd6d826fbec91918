import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { buildSarif } from '../../src/client/batch-report.js';
import { collectTasks, startBatch } from '../../src/client/batch.js';
import type { HardenResult } from '../../src/common/schemas/index.js';
import { describeZodError } from '../../src/common/zod-error.js';
import { findingOrigin } from '../../src/domain/findings.js';
import { humanEvalTasks, sallmTasks } from '../../test/support/data.js';

/**
 * The labeled corpus of the efficacy benchmark and what it measures. Labels: SALLM's insecure
 * samples are insecure; this project's counterpart of each (bench/corpus/sallm-secure/, the same
 * program with the weakness fixed) is secure; the blind corpus (bench/corpus/blind/, pairs written
 * for this project by authors who never saw its rules, AUTHORSHIP.md) is a set of its own;
 * HumanEval's canonical solutions are benign, so any security evidence on them is a false alarm.
 */

export type Label = 'insecure' | 'secure' | 'benign';
/** The corpus a task comes from: each is reported on its own. */
export type CorpusSet = 'sallm' | 'blind' | 'humaneval';

export interface CorpusTask {
  /** Unique in a batch: the set, then the dataset id. */
  id: string;
  label: Label;
  code: string;
  /** The SALLM id a secure counterpart pairs with (both members carry it). */
  pair: string | null;
  /** The CWE the sample is labelled with (SALLM ids name it). */
  cwe: string | null;
  set: CorpusSet;
  /** Who wrote the sample: SALLM's source (CodeQL, Author_A, SonarSource, StackOverflow, SecurityEval, Mitre), or the set. */
  source: string;
}

export const SECURE_DIR = fileURLToPath(new URL('../../../bench/corpus/sallm-secure/', import.meta.url));
export const BLIND_DIR = fileURLToPath(new URL('../../../bench/corpus/blind/', import.meta.url));

/** SALLM ids name the source after the kind of task: Tainted_CodeQL_codeql_cwe..., Assertion_CWEList_Mitre_cwe... */
export function sallmSource(id: string): string {
  const parts =
    id
      .split(/_cwe\d/i)[0]
      ?.split('_')
      .slice(1) ?? [];
  if (parts[0] === 'Author') return parts.slice(0, 2).join('_');
  return parts.includes('Mitre') ? 'Mitre' : (parts[0] ?? 'unknown');
}

const BlindPairSchema = z.object({ cwe: z.string().regex(/^CWE-\d+$/), entry: z.string().min(1) });

/** The blind corpus's pairs, in folder order: each folder holds insecure.py, secure.py and pair.json. */
function blindPairs(limit: number): CorpusTask[] {
  if (!existsSync(BLIND_DIR)) return [];
  const folders = readdirSync(BLIND_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .slice(0, limit);
  return folders.flatMap((folder) => {
    const read = (file: string) => readFileSync(join(BLIND_DIR, folder, file), 'utf8');
    const where = join(BLIND_DIR, folder, 'pair.json');
    let json: unknown;
    try {
      json = JSON.parse(read('pair.json'));
    } catch (error) {
      throw new Error(
        `${where} is not JSON (${error instanceof Error ? error.message : String(error)}): each pair's pair.json names its cwe and entry`,
      );
    }
    const parsed = BlindPairSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${where}: ${describeZodError('pair.json', parsed.error)}`);
    const { cwe } = parsed.data;
    return (['insecure', 'secure'] as const).map((label) => ({
      id: `blind-${label}/${folder}`,
      label,
      code: read(`${label}.py`),
      pair: `blind/${folder}`,
      cwe,
      set: 'blind' as const,
      source: 'blind',
    }));
  });
}

function cweOf(id: string): string | null {
  const match = /cwe(\d+)/i.exec(id);
  return match ? `CWE-${Number(match[1])}` : null;
}

/** The whole corpus, or only `pairs` SALLM pairs (the first in id order), as many blind pairs and as many HumanEval tasks. */
export function efficacyCorpus(pairs = Number.POSITIVE_INFINITY): CorpusTask[] {
  const counterparts = new Set(readdirSync(SECURE_DIR).filter((f) => f.endsWith('.py')));
  const sallm = sallmTasks()
    .filter((t) => counterparts.has(t.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .slice(0, pairs);
  const tasks: CorpusTask[] = [];
  for (const t of sallm) {
    const from = { pair: t.id, cwe: cweOf(t.id), set: 'sallm' as const, source: sallmSource(t.id) };
    tasks.push({ id: `insecure/${t.id}`, label: 'insecure', code: t.insecure_code, ...from });
    tasks.push({ id: `secure/${t.id}`, label: 'secure', code: readFileSync(`${SECURE_DIR}${t.id}`, 'utf8'), ...from });
  }
  tasks.push(...blindPairs(pairs));
  for (const t of humanEvalTasks().slice(0, pairs))
    tasks.push({
      id: `humaneval/${t.task_id.replace('/', '-')}`,
      label: 'benign',
      code: `${t.prompt}${t.canonical_solution}`,
      pair: null,
      cwe: null,
      set: 'humaneval',
      source: 'HumanEval',
    });
  return tasks;
}

/** What a run found that speaks of security: a static finding of the security kind, or a runtime oracle event. */
export function securityEvidence(result: HardenResult): string[] {
  const statics = (result.staticRounds[0]?.findings ?? [])
    .filter((f) => f.kind === 'security' && f.triage?.verdict !== 'dismissed')
    .map((f) => `${f.cwe ?? ''} ${findingOrigin(f)}`.trim());
  const events = result.fuzz.failureSummary.groups.filter((g) => g.kind === 'security').map((g) => g.label);
  return [...new Set([...statics, ...events])];
}

/** A task's run as the benchmark scores it. */
export interface Scored {
  task: CorpusTask;
  verdict: HardenResult['verdict'] | 'failed';
  /** The run's reasons for its verdict: what a moved verdict is explained by. */
  reasons: string[];
  evidence: string[];
  /** The code was run with inputs in the sandbox (not skipped, loaded, some input ran). */
  dynamic: boolean;
  /** Why it was not, when it was not. */
  whyNotDynamic: string | null;
  /** Share (%) of the target's lines the first pass reached, when measured. */
  coveragePct: number | null;
  /** Modules the code imports that ran as stubs. */
  stubbed: string[];
  /** First-pass failing inputs that were robustness issues: crashes, hangs or kills within the parameter types. */
  robustness: number;
  /** First-pass failing inputs outside the parameter types. */
  contract: number;
}

export function score(task: CorpusTask, result: HardenResult | null): Scored {
  if (!result)
    return {
      task,
      verdict: 'failed',
      reasons: [],
      evidence: [],
      dynamic: false,
      whyNotDynamic: 'the run failed',
      coveragePct: null,
      stubbed: [],
      robustness: 0,
      contract: 0,
    };
  const kinds = result.fuzz.failureSummary.byFindingKind;
  const dynamic = result.fuzz.skippedReason === null && result.fuzz.firstPassExecuted > 0;
  const coverage = result.fuzz.coverage;
  return {
    task,
    verdict: result.verdict,
    reasons: result.reasons,
    evidence: securityEvidence(result),
    dynamic,
    whyNotDynamic: dynamic ? null : (result.fuzz.skippedReason ?? 'no input ran'),
    coveragePct: coverage && coverage.coverable > 0 ? share(coverage.reached, coverage.coverable) : null,
    stubbed: result.fuzz.stubbed,
    robustness: kinds.robustness ?? 0,
    contract: kinds.contract ?? 0,
  };
}

const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((1000 * n) / of) / 10);
const meanOf = (values: number[]) => (values.length === 0 ? 0 : Math.round((10 * values.reduce((a, b) => a + b, 0)) / values.length) / 10);

export interface SetFigures {
  tasks: number;
  verdicts: Record<string, number>;
  /** Share (%) whose verdict is vulnerable. */
  vulnerablePct: number;
  /** Share (%) with security evidence. */
  evidencePct: number;
  /** Share (%) the sandbox really ran inputs against. */
  dynamicPct: number;
  /** Mean line coverage (%) of the targets, over the tasks where it was measured. */
  coveragePct: number;
  /** Tasks with robustness issues (crashes, hangs or kills within the parameter types), and their failing inputs. */
  withRobustness: number;
  robustnessInputs: number;
  /** Tasks with failures only outside the parameter types count here too, and their failing inputs. */
  withContract: number;
  contractInputs: number;
}

function figures(scored: Scored[]): SetFigures {
  const verdicts: Record<string, number> = {};
  for (const s of scored) verdicts[s.verdict] = (verdicts[s.verdict] ?? 0) + 1;
  return {
    tasks: scored.length,
    verdicts,
    vulnerablePct: share(scored.filter((s) => s.verdict === 'vulnerable').length, scored.length),
    evidencePct: share(scored.filter((s) => s.evidence.length > 0).length, scored.length),
    dynamicPct: share(scored.filter((s) => s.dynamic).length, scored.length),
    coveragePct: meanOf(scored.flatMap((s) => (s.coveragePct === null ? [] : [s.coveragePct]))),
    withRobustness: scored.filter((s) => s.robustness > 0).length,
    robustnessInputs: scored.reduce((n, s) => n + s.robustness, 0),
    withContract: scored.filter((s) => s.contract > 0).length,
    contractInputs: scored.reduce((n, s) => n + s.contract, 0),
  };
}

interface Pair {
  insecure: Scored;
  secure: Scored;
}

/** Recall, false alarms and pair accuracy over a set of pairs (by verdict; pair accuracy by evidence too). */
export interface PairFigures {
  pairs: number;
  /** Insecure members whose verdict is vulnerable (%). */
  recallPct: number;
  /** Secure members whose verdict is vulnerable (%). */
  falseAlarmPct: number;
  /** Pairs whose insecure member is flagged and whose secure member is not (%). */
  byVerdictPct: number;
  byEvidencePct: number;
}

type PerCwe = Record<string, { pairs: number; insecureWithEvidence: number; secureWithEvidence: number }>;

/** The blind corpus's figures, on their own: no rule is tuned against it (bench/corpus/blind/AUTHORSHIP.md). */
export interface BlindFigures {
  insecure: SetFigures;
  secure: SetFigures;
  pairAccuracy: PairFigures;
  perCwe: PerCwe;
}

export interface EfficacyReport {
  /** Recall: the SALLM insecure samples, by verdict and by security evidence. */
  insecure: SetFigures;
  /** False alarms: their secure counterparts. */
  secure: SetFigures;
  /** False alarms: HumanEval's canonical solutions. */
  benign: SetFigures;
  /** SALLM pairs whose insecure member is flagged and whose secure member is not (%). */
  pairAccuracy: { byVerdictPct: number; byEvidencePct: number; pairs: number };
  /** SALLM pairs by the CWE the samples are labelled with: insecure with evidence, and secure with evidence. */
  perCwe: PerCwe;
  /** Every source on its own: SALLM's (by the authors its ids name) and the blind corpus. */
  perSource: Record<string, PairFigures>;
  /** The blind corpus; null when it has no pairs. */
  blind: BlindFigures | null;
  /** The batch's SARIF: results (one per static finding, and per fuzzing weakness and place) and the failing inputs they stand for. */
  sarif: { results: number; failingInputs: number };
  /** Every task the sandbox did not run, and why. */
  notDynamic: { id: string; why: string }[];
  /** Every task that ran against stubs, and the modules stubbed. */
  stubbed: { id: string; modules: string[] }[];
  wallSeconds: number;
}

function pairsOf(scored: Scored[]): Pair[] {
  const byPair = new Map<string, { insecure?: Scored; secure?: Scored }>();
  for (const s of scored) {
    if (!s.task.pair) continue;
    const entry = byPair.get(s.task.pair) ?? {};
    if (s.task.label === 'insecure') entry.insecure = s;
    else entry.secure = s;
    byPair.set(s.task.pair, entry);
  }
  return [...byPair.values()].flatMap((p) => (p.insecure && p.secure ? [{ insecure: p.insecure, secure: p.secure }] : []));
}

function pairFigures(pairs: Pair[]): PairFigures {
  const flagged = (s: Scored) => s.verdict === 'vulnerable';
  return {
    pairs: pairs.length,
    recallPct: share(pairs.filter((p) => flagged(p.insecure)).length, pairs.length),
    falseAlarmPct: share(pairs.filter((p) => flagged(p.secure)).length, pairs.length),
    byVerdictPct: share(pairs.filter((p) => flagged(p.insecure) && !flagged(p.secure)).length, pairs.length),
    byEvidencePct: share(pairs.filter((p) => p.insecure.evidence.length > 0 && p.secure.evidence.length === 0).length, pairs.length),
  };
}

function perCweOf(pairs: Pair[]): PerCwe {
  const perCwe: PerCwe = {};
  for (const { insecure, secure } of pairs) {
    const row = (perCwe[insecure.task.cwe ?? 'unlabelled'] ??= { pairs: 0, insecureWithEvidence: 0, secureWithEvidence: 0 });
    row.pairs++;
    if (insecure.evidence.length > 0) row.insecureWithEvidence++;
    if (secure.evidence.length > 0) row.secureWithEvidence++;
  }
  return perCwe;
}

export function efficacyReport(
  scored: Scored[],
  wallSeconds: number,
  sarif: EfficacyReport['sarif'] = { results: 0, failingInputs: 0 },
): EfficacyReport {
  const of = (label: Label, set: CorpusSet) => scored.filter((s) => s.task.label === label && s.task.set === set);
  const pairs = pairsOf(scored);
  const sallm = pairs.filter((p) => p.insecure.task.set === 'sallm');
  const blind = pairs.filter((p) => p.insecure.task.set === 'blind');
  const { pairs: count, byVerdictPct, byEvidencePct } = pairFigures(sallm);
  const sources = [...new Set(pairs.map((p) => p.insecure.task.source))].sort();
  return {
    insecure: figures(of('insecure', 'sallm')),
    secure: figures(of('secure', 'sallm')),
    benign: figures(of('benign', 'humaneval')),
    pairAccuracy: { pairs: count, byVerdictPct, byEvidencePct },
    perCwe: perCweOf(sallm),
    perSource: Object.fromEntries(sources.map((source) => [source, pairFigures(pairs.filter((p) => p.insecure.task.source === source))])),
    blind:
      blind.length === 0
        ? null
        : {
            insecure: figures(of('insecure', 'blind')),
            secure: figures(of('secure', 'blind')),
            pairAccuracy: pairFigures(blind),
            perCwe: perCweOf(blind),
          },
    sarif,
    notDynamic: scored.flatMap((s) => (s.whyNotDynamic === null ? [] : [{ id: s.task.id, why: s.whyNotDynamic }])),
    stubbed: scored.flatMap((s) => (s.stubbed.length === 0 ? [] : [{ id: s.task.id, modules: s.stubbed }])),
    wallSeconds,
  };
}

const sourceLine = (f: PairFigures) => `recall ${f.recallPct}%, false alarms ${f.falseAlarmPct}%, pairs ${f.byVerdictPct}%`;

function cweLines(perCwe: PerCwe): string[] {
  return Object.entries(perCwe)
    .sort(([a], [b]) => Number(a.slice(4)) - Number(b.slice(4)))
    .map(
      ([cwe, r]) =>
        `  ${cwe.padEnd(9)} ${String(r.pairs).padStart(3)}: ${r.insecureWithEvidence}/${r.pairs} flagged, ${r.secureWithEvidence}/${r.pairs} false alarms`,
    );
}

function blindLines(blind: BlindFigures, row: (name: string, f: SetFigures) => string): string[] {
  const p = blind.pairAccuracy;
  return [
    'blind corpus (written for this project by authors who never saw its rules; never tuned against):',
    row('blind insecure (recall)', blind.insecure),
    row('blind secure (FA)', blind.secure),
    `blind pair accuracy over ${p.pairs} pairs: ${p.byVerdictPct}% by verdict, ${p.byEvidencePct}% by security evidence`,
    'blind per CWE:',
    ...cweLines(blind.perCwe),
  ];
}

/** The report as the benchmark prints it. */
export function efficacyTable(report: EfficacyReport): string {
  const row = (name: string, f: SetFigures) =>
    `${name.padEnd(26)} ${String(f.tasks).padStart(5)} ${`${f.vulnerablePct}%`.padStart(11)} ${`${f.evidencePct}%`.padStart(10)} ${`${f.dynamicPct}%`.padStart(9)} ${`${f.coveragePct}%`.padStart(9)} ${String(f.withRobustness).padStart(11)} ${String(f.withContract).padStart(9)}  ${Object.entries(
      f.verdicts,
    )
      .map(([v, n]) => `${v} ${n}`)
      .join(', ')}`;
  const lines = [
    `${'set'.padEnd(26)} ${'tasks'.padStart(5)} ${'vulnerable'.padStart(11)} ${'evidence'.padStart(10)} ${'dynamic'.padStart(9)} ${'coverage'.padStart(9)} ${'robustness'.padStart(11)} ${'contract'.padStart(9)}  verdicts`,
    row('SALLM insecure (recall)', report.insecure),
    row('secure counterparts (FA)', report.secure),
    row('HumanEval (FA)', report.benign),
    `pair accuracy over ${report.pairAccuracy.pairs} pairs: ${report.pairAccuracy.byVerdictPct}% by verdict, ${report.pairAccuracy.byEvidencePct}% by security evidence`,
    'per source (pairs: recall / false alarms / pair accuracy, by verdict):',
    ...Object.entries(report.perSource).map(([source, f]) => `  ${source.padEnd(14)} ${String(f.pairs).padStart(3)}: ${sourceLine(f)}`),
    'per CWE (pairs: insecure with evidence / secure with evidence):',
    ...cweLines(report.perCwe),
    ...(report.blind ? blindLines(report.blind, row) : ['blind corpus: no pairs (bench/corpus/blind/)']),
    `robustness / contract columns: tasks with such failing inputs (inputs: insecure ${report.insecure.robustnessInputs} / ${report.insecure.contractInputs}, secure ${report.secure.robustnessInputs} / ${report.secure.contractInputs}, HumanEval ${report.benign.robustnessInputs} / ${report.benign.contractInputs})`,
    `no dynamic test (${report.notDynamic.length}):`,
    ...report.notDynamic.map((n) => `  ${n.id}: ${n.why}`),
    `ran against stubs of missing modules: ${report.stubbed.length === 0 ? 'none' : report.stubbed.map((s) => `${s.id} (${s.modules.join(', ')})`).join('; ')}`,
    `SARIF: ${report.sarif.results} results for ${report.insecure.tasks + report.secure.tasks + report.benign.tasks} files, standing for ${report.sarif.failingInputs} failing inputs`,
    `wall time ${report.wallSeconds.toFixed(0)} s`,
  ];
  return lines.join('\n');
}

/** Audits the corpus as one batch through the real workflow, and scores every task. */
export async function runEfficacy(
  client: Client,
  corpus: CorpusTask[],
  concurrency: number,
): Promise<{ report: EfficacyReport; scored: Scored[] }> {
  const batchId = `efficacy-${Date.now()}`;
  const started = performance.now();
  await startBatch(
    client,
    { tasks: corpus.map((t) => ({ id: t.id, code: t.code })), total: corpus.length, settings: { llm: null }, concurrency },
    batchId,
  );
  await client.workflow.getHandle(batchId).result();
  const wall = (performance.now() - started) / 1000;
  const tasks = await collectTasks(client, batchId, corpus.length);
  const records = new Map(tasks.map((r) => [r.id, r]));
  const scored = corpus.map((task) => score(task, records.get(task.id)?.result ?? null));
  const results = buildSarif(batchId, tasks).runs[0]?.results ?? [];
  const sarif = { results: results.length, failingInputs: tasks.reduce((n, t) => n + (t.result?.remainingFailureSummary.inputs ?? 0), 0) };
  return { report: efficacyReport(scored, wall, sarif), scored };
}
