import { FAILURE_STATUSES, type FuzzOutcome } from '../common/sandbox.js';
import type { Finding, FuzzFailure } from '../common/schemas.js';

/** Pure bookkeeping of findings and fuzz failures, shared by the workflow and its tests. */

/** A crash, a hang, a resource blow-up, or a security event the input caused. */
export function isFailure(outcome: FuzzOutcome): boolean {
  return (FAILURE_STATUSES as readonly string[]).includes(outcome.status) || outcome.events.length > 0;
}

/** Who reported a finding, as reports name it. */
export function findingOrigin(f: Finding): string {
  if (f.source === 'bandit') return `Bandit ${f.ruleId}`;
  return f.source === 'policy' ? `policy ${f.ruleId}` : 'Static Analyser agent';
}

/** Comments that tell an analyser to skip a line (Bandit, Semgrep, flake8-bandit, LGTM). */
const SUPPRESSION = /#.*\b(nosec|nosemgrep|noqa|lgtm)\b/i;

/**
 * Suppression comments a repair added: lines of `after` that carry one and stand nowhere in
 * `before`. Telling an analyser to look away is not a fix, so each is a finding of its own.
 */
export function addedSuppressions(before: string, after: string): Finding[] {
  const existing = new Set(before.split('\n').filter((l) => SUPPRESSION.test(l)).map((l) => l.trim()));
  return after.split('\n').flatMap((text, i): Finding[] => {
    const marker = SUPPRESSION.exec(text)?.[1];
    if (marker === undefined || existing.has(text.trim())) return [];
    return [
      {
        source: 'policy',
        ruleId: 'suppression-comment',
        cwe: 'CWE-693',
        line: i + 1,
        severity: 'HIGH',
        confidence: 'HIGH',
        message: `the repair added a "${marker}" comment: telling an analyser to look away is not a fix`,
        fix: 'remove the comment and fix the weakness it would hide',
      },
    ];
  });
}

/** Bandit and the Static Analyser agent often report the same weakness: keep one per CWE and line. */
export function mergeFindings(tool: Finding[], review: Finding[]): Finding[] {
  const seen = new Set(tool.map((f) => `${f.cwe}:${f.line}`));
  return [...tool, ...review.filter((f) => !seen.has(`${f.cwe}:${f.line}`))];
}

/** The CWEs a fuzz failure stands for: its security events, else the crash itself. */
export function failureCwes(outcome: FuzzOutcome): string[] {
  if (outcome.events.length > 0) return outcome.events.map((e) => e.cwe);
  const resource = outcome.status === 'timeout' || outcome.status === 'killed' || (outcome.status === 'exception' && outcome.exceptionType === 'MemoryError');
  return [resource ? 'CWE-400' : 'CWE-248'];
}

export function countByCwe(findings: Finding[], failures: FuzzFailure[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of [...findings.map((f) => f.cwe ?? 'unclassified'), ...failures.flatMap((f) => failureCwes(f.outcome))]) {
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function describeFindings(findings: Finding[], limit = 3): string {
  if (findings.length === 0) return 'clean';
  const shown = findings.slice(0, limit).map((f) => `${f.source === 'static-agent' ? 'review' : findingOrigin(f)} ${f.cwe ?? ''} line ${f.line ?? '?'}`.replace(/\s+/g, ' '));
  return `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${shown.join(', ')}${findings.length > limit ? ', …' : ''}`;
}

/** How a failing input failed, as reports count it: its security events, else its exception or status. */
export function failureKinds(outcome: FuzzOutcome): string[] {
  return outcome.events.length > 0 ? outcome.events.map((e) => `${e.cwe} ${e.kind} event`) : [outcome.status === 'exception' ? outcome.exceptionType : outcome.status];
}

export function describeFailures(outcomes: FuzzOutcome[]): string {
  const failures = outcomes.filter(isFailure);
  if (failures.length === 0) return 'no failures';
  const kinds = new Map<string, number>();
  for (const outcome of failures) {
    for (const label of failureKinds(outcome)) kinds.set(label, (kinds.get(label) ?? 0) + 1);
  }
  return `${failures.length} failing input${failures.length === 1 ? '' : 's'} (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`;
}
