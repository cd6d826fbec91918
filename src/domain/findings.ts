import type { FuzzValue, PyType } from '../common/fuzz-value.js';
import { FAILURE_STATUSES, type Entry, type FuzzOutcome } from '../common/sandbox.js';
import type { FailureGroup, Finding, FindingKind, FuzzFailure, TargetParam, Triage } from '../common/schemas/index.js';

/** Pure bookkeeping of findings and fuzz failures, shared by the workflow and its tests. */

/** A crash, a hang, a resource blow-up, or a security event the input caused. */
export function isFailure(outcome: FuzzOutcome): boolean {
  return (FAILURE_STATUSES as readonly string[]).includes(outcome.status) || outcome.events.length > 0;
}

/** Who reported a finding, as reports name it. */
export function findingOrigin(f: Finding): string {
  const by =
    f.source === 'bandit'
      ? `Bandit ${f.ruleId}`
      : f.source === 'semgrep'
        ? `Semgrep ${f.ruleId}`
        : f.source === 'policy'
          ? `policy ${f.ruleId}`
          : 'Static Analyser agent';
  return [by, ...f.alsoFoundBy].join(' and ');
}

/** Comments that tell an analyser to skip a line (Bandit, Semgrep, flake8-bandit, LGTM). */
const SUPPRESSION = /#.*\b(nosec|nosemgrep|noqa|lgtm)\b/i;

/**
 * Suppression comments a repair added: lines of `after` that carry one and stand nowhere in
 * `before`. Telling an analyser to look away is not a fix, so each is a finding of its own.
 */
export function addedSuppressions(before: string, after: string): Finding[] {
  const existing = new Set(
    before
      .split('\n')
      .filter((l) => SUPPRESSION.test(l))
      .map((l) => l.trim()),
  );
  return after.split('\n').flatMap((text, i): Finding[] => {
    const marker = SUPPRESSION.exec(text)?.[1];
    if (marker === undefined || existing.has(text.trim())) return [];
    return [
      {
        kind: 'security',
        source: 'policy',
        ruleId: 'suppression-comment',
        cwe: 'CWE-693',
        line: i + 1,
        severity: 'HIGH',
        confidence: 'HIGH',
        message: `the repair added a "${marker}" comment: telling an analyser to look away is not a fix`,
        fix: 'remove the comment and fix the weakness it would hide',
        triage: null,
        alsoFoundBy: [],
      },
    ];
  });
}

/** The agent's triage on the tool findings it was shown (numbered from 1); the last word on one counts. */
export function applyTriage(toolFindings: Finding[], triage: Triage[]): Finding[] {
  return toolFindings.map((f, i) => {
    const word = triage.findLast((t) => t.finding === i + 1);
    return word ? { ...f, triage: { verdict: word.verdict, reason: word.reason } } : f;
  });
}

/** Findings that count: all but those the Static Analyser agent dismissed. */
export function standing(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.triage?.verdict !== 'dismissed');
}

/**
 * Analysers often report the same weakness. `first` is kept whole; a finding of `others` on a
 * CWE and line already reported is folded into that finding, which names its reporter too.
 */
export function mergeFindings(first: Finding[], ...others: Finding[][]): Finding[] {
  const merged = first.map((f) => ({ ...f, alsoFoundBy: [...f.alsoFoundBy] }));
  const byPlace = new Map(merged.map((f) => [`${f.cwe}:${f.line}`, f]));
  for (const f of others.flat()) {
    const key = `${f.cwe}:${f.line}`;
    const seen = byPlace.get(key);
    if (seen === undefined) {
      const copy = { ...f, alsoFoundBy: [...f.alsoFoundBy] };
      byPlace.set(key, copy);
      merged.push(copy);
    } else {
      const origin = findingOrigin({ ...f, alsoFoundBy: [] });
      if (!seen.alsoFoundBy.includes(origin)) seen.alsoFoundBy.push(origin);
    }
  }
  return merged;
}

/** The CWEs a fuzz failure stands for: its security events, else the crash itself. */
export function failureCwes(outcome: FuzzOutcome): string[] {
  if (outcome.events.length > 0) return outcome.events.map((e) => e.cwe);
  const resource =
    outcome.status === 'timeout' ||
    outcome.status === 'killed' ||
    (outcome.status === 'exception' && outcome.exceptionType === 'MemoryError');
  return [resource ? 'CWE-400' : 'CWE-248'];
}

/** Python accepts an int where a float is due, and a bool where either is. */
function fits(value: FuzzValue, type: PyType): boolean {
  if (type === 'none' || value.type === type) return true;
  return (type === 'float' && (value.type === 'int' || value.type === 'bool')) || (type === 'int' && value.type === 'bool');
}

/** Every argument is of its parameter's declared or inferred type (None only where the parameter takes it). */
export function withinContract(args: FuzzValue[], params: TargetParam[]): boolean {
  return params.every((p, i) => {
    const value = args[i];
    if (value === undefined) return true;
    if (value.type === 'none') return p.nullable || p.type === 'none';
    if (!fits(value, p.type)) return false;
    const items = p.items;
    return value.type !== 'list' || items === null || value.items.every((item) => fits(item, items));
  });
}

/**
 * What a failing input means: an oracle event is security; a crash, hang or kill is robustness
 * when the input kept to the parameter types (always, for a route: every request part is
 * attacker input), else contract.
 */
export function failureKind(outcome: FuzzOutcome, args: FuzzValue[], params: TargetParam[], entry: Entry): FindingKind {
  if (outcome.events.length > 0) return 'security';
  return entry === 'route' || withinContract(args, params) ? 'robustness' : 'contract';
}

/** Static findings and failing inputs by kind. */
export function countByKind(findings: Finding[], failures: FuzzFailure[]): Record<FindingKind, number> {
  const counts = { security: 0, robustness: 0, contract: 0 };
  for (const item of [...findings, ...failures]) counts[item.kind]++;
  return counts;
}

/** Weaknesses by CWE; a failure outside the contract is no weakness and is not counted. */
export function countByCwe(findings: Finding[], failures: FuzzFailure[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of [
    ...findings.map((f) => f.cwe ?? 'unclassified'),
    ...failures.filter((f) => f.kind !== 'contract').flatMap((f) => failureCwes(f.outcome)),
  ]) {
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function describeFindings(findings: Finding[], limit = 3): string {
  if (findings.length === 0) return 'clean';
  const shown = findings
    .slice(0, limit)
    .map((f) => `${f.source === 'static-agent' ? 'review' : findingOrigin(f)} ${f.cwe ?? ''} line ${f.line ?? '?'}`.replace(/\s+/g, ' '));
  return `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${shown.join(', ')}${findings.length > limit ? ', …' : ''}`;
}

/** How a failing input failed, as reports count it: its security events, else its exception or status. */
export function failureKinds(outcome: FuzzOutcome): string[] {
  return outcome.events.length > 0
    ? outcome.events.map((e) => `${e.cwe} ${e.kind} event`)
    : [outcome.status === 'exception' ? outcome.exceptionType : outcome.status];
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

/** Robustness issues: each static finding of the kind, and each weakness and place its failing inputs share (not each input). */
export function robustnessIssues(findings: Finding[], groups: FailureGroup[]): number {
  return findings.filter((f) => f.kind === 'robustness').length + groups.filter((g) => g.kind === 'robustness').length;
}

/** The verdict with what stands beside it: "secure, 3 robustness issues". */
export function verdictLine(verdict: string, issues: number): string {
  return issues > 0 ? `${verdict}, ${issues} robustness issue${issues === 1 ? '' : 's'}` : verdict;
}
