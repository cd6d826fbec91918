import { renderFuzzValue } from '../common/fuzz-value.js';
import type { FuzzCase, FuzzOutcome } from '../common/sandbox.js';
import { findingOrigin } from '../workflows/findings.js';
import type { Finding, FuzzFailure, HardenResult } from '../common/schemas.js';

/** The human report of a run, as the CLI prints it. */

function finding(f: Finding): string {
  const where = f.line !== null ? `line ${f.line}` : 'no line';
  const by = findingOrigin(f);
  return `    ${f.cwe ?? 'no CWE'} ${where} [${by}, ${f.severity}] ${f.message}`;
}

/** A fuzz input as the call it made: `fn("$(id)", 1)`. */
export function renderCall(fn: string, input: FuzzCase): string {
  return `${fn}(${input.args.map((a) => renderFuzzValue(a, 60)).join(', ')})`;
}

/** What the call did, in a few words. */
export function outcomeText(o: FuzzOutcome): string {
  const what =
    o.status === 'exception' ? `${o.exceptionType}: ${o.message}` : o.status === 'killed' ? `killed by signal ${o.signal}` : o.status === 'exited' ? `exit ${o.exitCode}` : o.status === 'ok' ? `returned ${o.returned}` : o.status;
  return what.slice(0, 160);
}

function failure(fn: string, f: FuzzFailure): string {
  const events = f.outcome.events.map((e) => `\n      ${e.cwe} ${e.kind}: ${e.detail.slice(0, 160)}`).join('');
  return `    ${renderCall(fn, f.input)} -> ${outcomeText(f.outcome)}${events}`;
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([cwe, n]) => `${cwe} x${n}`).join(', ');
}

export function formatReport(result: HardenResult, link: string | null): string {
  const lines: string[] = [];
  lines.push(`AutoSafeCoder: ${result.source} (${result.mode === 'audit' ? 'audit, no repair' : `hardened with ${result.model}`})`);
  lines.push(`Verdict: ${result.verdict.toUpperCase()}`);
  for (const reason of result.reasons) lines.push(`  - ${reason}`);
  lines.push('Static rounds:');
  for (const round of result.staticRounds) {
    lines.push(`  round ${round.round}: ${round.findings.length} finding(s)${round.repaired ? ', repaired by the Coding agent' : ''}`);
    for (const f of round.findings) lines.push(finding(f));
  }
  const fuzz = result.fuzz;
  if (fuzz.target) {
    const signature = `${fuzz.target.function}(${fuzz.target.params.map((p) => `${p.name}: ${p.type}`).join(', ')})`;
    lines.push(`Fuzzing ${signature}: ${fuzz.firstPassExecuted} executions, ${fuzz.failureSummary.inputs} failing input(s) at first`);
    for (const f of fuzz.failures.slice(0, 5)) lines.push(failure(fuzz.target.function, f));
    if (fuzz.failureSummary.inputs > 5) lines.push(`    … and ${fuzz.failureSummary.inputs - 5} more`);
    for (const r of fuzz.repairRounds) {
      lines.push(`  repair round ${r.round}: candidate ${r.accepted ? 'accepted' : 'rejected'}: ${r.candidateFailureSummary.inputs} of ${r.candidateExecuted} input(s) failing, ${r.candidateStaticFindings.length} Bandit finding(s)`);
    }
  }
  if (fuzz.skippedReason) lines.push(`Fuzzing skipped: ${fuzz.skippedReason}`);
  lines.push(`Findings by CWE: before ${counts(result.findingsBefore)}; after ${counts(result.findingsAfter)}`);
  lines.push(`Agent steps: ${result.steps.length}; LLM tokens: ${result.usage.prompt} prompt + ${result.usage.completion} completion`);
  if (result.finalCode !== result.initialCode) lines.push('Final code:', ...result.finalCode.trimEnd().split('\n').map((l) => `  | ${l}`));
  if (link) lines.push(`Temporal UI: ${link}`);
  return lines.join('\n');
}

/** Exit codes: 0 secure, 1 vulnerable, 3 could not verify (2 is kept for errors). */
export function verdictExitCode(result: HardenResult): number {
  return result.verdict === 'secure' ? 0 : result.verdict === 'vulnerable' ? 1 : 3;
}
