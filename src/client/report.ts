import { describeDecision } from '../common/approvals.js';
import { describeBudget } from '../domain/budget.js';
import { renderFuzzValue } from '../common/fuzz-value.js';
import type { FuzzCase, FuzzOutcome } from '../common/sandbox.js';
import { findingOrigin, robustnessIssues, verdictLine } from '../domain/findings.js';
import type { FailureGroup, Finding, FuzzFailure, HardenResult, TargetParam } from '../common/schemas/index.js';
import type { Entry } from '../common/sandbox.js';

const ENTRY_LABELS: Record<Entry, string> = { call: 'a call', route: 'a Flask route', module: 'the module run as a program' };

/** The human report of a run, as the CLI prints it. */

function finding(f: Finding): string {
  const where = f.line !== null ? `line ${f.line}` : 'no line';
  const by = findingOrigin(f);
  const word = f.triage ? ` (${f.triage.verdict} by the Static Analyser agent: ${f.triage.reason})` : '';
  return `    ${f.kind}: ${f.cwe ?? 'no CWE'} ${where} [${by}, ${f.severity}] ${f.message}${word}`;
}

/** A fuzz input as the call it made: `fn("$(id)", 1)`. */
export function renderCall(fn: string, input: FuzzCase): string {
  return `${fn}(${input.args.map((a) => renderFuzzValue(a, 60)).join(', ')})`;
}

/** What the call did, in a few words. */
export function outcomeText(o: FuzzOutcome): string {
  const what =
    o.status === 'exception'
      ? `${o.exceptionType}: ${o.message}`
      : o.status === 'killed'
        ? `killed by signal ${o.signal}`
        : o.status === 'exited'
          ? `exit ${o.exitCode}`
          : o.status === 'ok'
            ? `returned ${o.returned}`
            : o.status;
  return what.slice(0, 160);
}

function failure(fn: string, f: FuzzFailure): string {
  const events = f.outcome.events.map((e) => `\n        ${e.cwe} ${e.kind}: ${e.detail.slice(0, 160)}`).join('');
  return `      e.g. ${renderCall(fn, f.input)} -> ${outcomeText(f.outcome)}${events}`;
}

/** One weakness at one place, with an example input from the sample the result keeps. */
function group(fn: string, g: FailureGroup, sample: FuzzFailure[]): string[] {
  const where = g.line !== null ? ` line ${g.line}` : '';
  const example = sample.find((f) => g.examples.includes(f.input.id));
  return [`    ${g.kind}: ${g.label}${where}: ${g.inputs} input${g.inputs === 1 ? '' : 's'}`, ...(example ? [failure(fn, example)] : [])];
}

function param(p: TargetParam): string {
  return `${p.name}: ${p.type}${p.nullable ? ' | None' : ''} (${p.role}: ${p.roleReason})`;
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([cwe, n]) => `${cwe} x${n}`).join(', ');
}

export function formatReport(result: HardenResult, link: string | null): string {
  const lines: string[] = [];
  lines.push(`AutoSafeCoder: ${result.source} (${result.mode === 'audit' ? 'audit, no repair' : `hardened with ${result.model}`})`);
  lines.push(
    `Verdict: ${verdictLine(result.verdict.toUpperCase(), robustnessIssues(result.remainingFindings, result.remainingFailureSummary.groups))}`,
  );
  if (!result.accepted) lines.push('NOT ACCEPTED: the final code was not approved; do not ship it');
  const k = result.remainingByKind;
  lines.push(
    `  remaining: ${k.security} security, ${k.robustness} robustness, ${k.contract} contract (static findings and failing inputs)`,
  );
  for (const reason of result.reasons) lines.push(`  - ${reason}`);
  lines.push('Static rounds:');
  for (const round of result.staticRounds) {
    const refused = [
      round.brokenTests.length > 0 ? `broke ${round.brokenTests.map((t) => t.name).join(', ')}` : null,
      round.approval && round.approval.decision !== 'approved' ? describeDecision(round.approval) : null,
    ].filter((r) => r !== null);
    lines.push(
      `  round ${round.round}: ${round.findings.length} finding(s)${round.repaired ? ', repaired by the Coding agent' : ''}${refused.length > 0 ? `; repair refused: ${refused.join('; ')}` : ''}`,
    );
    for (const f of round.findings) lines.push(finding(f));
  }
  const fuzz = result.fuzz;
  if (fuzz.target) {
    const fn = fuzz.target.function;
    lines.push(
      `Fuzzing ${fn}(${ENTRY_LABELS[fuzz.target.entry]}): ${fuzz.firstPassExecuted} executions, ${fuzz.failureSummary.inputs} failing input(s) at first`,
    );
    if (fuzz.coverage)
      lines.push(
        `    line coverage: ${fuzz.coverage.reached} of ${fuzz.coverage.coverable} lines (${Math.round((100 * fuzz.coverage.reached) / fuzz.coverage.coverable)}%)`,
      );
    if (fuzz.kernelWatch) lines.push(`    kernel watch: ${fuzz.kernelWatch.on ? 'on' : 'OFF'} (${fuzz.kernelWatch.detail})`);
    if (fuzz.stubbed.length > 0) lines.push(`    ran against stubs of modules the sandbox lacks: ${fuzz.stubbed.join(', ')}`);
    for (const p of fuzz.target.params) lines.push(`    ${param(p)}`);
    const groups = fuzz.failureSummary.groups;
    for (const g of groups.slice(0, 8)) lines.push(...group(fn, g, fuzz.failures));
    if (groups.length > 8) lines.push(`    … and ${groups.length - 8} more weaknesses or causes`);
    // Results from before failures were grouped list their first inputs instead.
    if (groups.length === 0) for (const f of fuzz.failures.slice(0, 5)) lines.push(failure(fn, f));
    for (const r of fuzz.repairRounds) {
      const refused = [
        r.brokenTests.length > 0 ? `broke ${r.brokenTests.map((t) => t.name).join(', ')}` : null,
        r.changedReturns.length > 0
          ? `changed the result of ${r.changedReturns[0]?.input ?? ''} (${r.changedReturns[0]?.before ?? ''}; now ${r.changedReturns[0]?.after ?? ''})`
          : null,
        r.approval ? describeDecision(r.approval) : null,
      ].filter((x) => x !== null);
      lines.push(
        `  repair round ${r.round}: candidate ${r.accepted ? 'accepted' : 'rejected'}: ${r.candidateFailureSummary.inputs} of ${r.candidateExecuted} input(s) failing, ${r.candidateStaticFindings.length} static finding(s)${refused.length > 0 ? `; ${refused.join('; ')}` : ''}`,
      );
    }
  }
  if (fuzz.skippedReason) lines.push(`Fuzzing skipped: ${fuzz.skippedReason}`);
  lines.push(`Findings by CWE: before ${counts(result.findingsBefore)}; after ${counts(result.findingsAfter)}`);
  lines.push(`Agent steps: ${result.steps.length}; ${describeSpend(result)}`);
  if (result.finalCode !== result.initialCode)
    lines.push(
      'Final code:',
      ...result.finalCode
        .trimEnd()
        .split('\n')
        .map((l) => `  | ${l}`),
    );
  if (link) lines.push(`Temporal UI: ${link}`);
  return lines.join('\n');
}

/** What the model calls spent, their cost, and the budget they had. */
export function describeSpend({ mode, usage, spend }: Pick<HardenResult, 'mode' | 'usage' | 'spend'>): string {
  if (mode === 'audit') return 'LLM: none (audit)';
  const cost = spend.costUsd !== null ? `, $${spend.costUsd.toFixed(4)}` : '';
  const budget = spend.budget ? ` (budget: ${describeBudget(spend.budget)}${spend.stoppedBy ? ', spent' : ''})` : '';
  return `LLM: ${spend.llmCalls} request(s), ${usage.prompt} prompt + ${usage.completion} completion tokens${cost}${budget}`;
}

/** What fails a run for CI: security findings (the verdict) or, as well, robustness issues. */
export const FAIL_ON = ['security', 'robustness'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Whether `--fail-on` counts this result as failed (a vulnerable verdict always does). */
export function failsOn(result: HardenResult, failOn: FailOn): boolean {
  return result.verdict === 'vulnerable' || (failOn === 'robustness' && result.remainingByKind.robustness > 0);
}

/** Exit codes: 0 secure, 1 vulnerable (or, with --fail-on robustness, robustness issues), 3 could not verify, 4 not approved (2 is kept for errors). */
export function verdictExitCode(result: HardenResult, failOn: FailOn = 'security'): number {
  if (!result.accepted) return 4;
  if (failsOn(result, failOn)) return 1;
  return result.verdict === 'secure' ? 0 : 3;
}
