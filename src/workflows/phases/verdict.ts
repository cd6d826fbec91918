import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import type { FindingKind, FuzzFailure, HardenResult, TestRun, Verdict } from '../../common/schemas/index.js';
import { describeDecision } from '../../common/approvals.js';
import { costOf } from '../../domain/budget.js';
import { keptFailures, summariseFailures } from '../../domain/compact.js';
import {
  countByCwe,
  countByKind,
  describeFailures,
  describeFindings,
  robustnessIssues,
  standing,
  verdictLine,
} from '../../domain/findings.js';
import type { RunContext } from '../run-context.js';
import type { Written } from './generate.js';
import type { FirstPass } from './fuzz.js';
import type { FuzzRepairOutcome } from './fuzz-repair.js';
import type { StaticOutcome } from './static.js';
import { hasPatch } from '../patches.js';

export interface Phases {
  written: Written;
  /** The static rounds, with the final check after fuzz repair when it changed the code. */
  analysed: StaticOutcome;
  fuzzed: FirstPass;
  repaired: FuzzRepairOutcome;
  /** The behaviour tests against the first and the final code; null without tests. */
  tests: HardenResult['tests'];
  /** The final code was accepted: by the run itself, or approved by a person. */
  accepted: boolean;
}

/** How many of the target's lines any input reached, of those that can run (null when none were reported). */
function lineCoverage({ coverage }: FirstPass['pass']): { reached: number; coverable: number } | null {
  if (coverage.coverable.length === 0) return null;
  const reached = new Set(Object.values(coverage.reached).flat());
  return { reached: coverage.coverable.filter((line) => reached.has(line)).length, coverable: coverage.coverable.length };
}

function describeTestRun(run: TestRun): string {
  const total = run.passed.length + run.failed.length;
  return `${run.passed.length}/${total} passed`;
}

/** The verdict and every reason a reader needs for it, from what the phases found. */
function judge(ctx: RunContext, { analysed, fuzzed, repaired, tests, accepted }: Phases): { verdict: Verdict; reasons: string[] } {
  const { findings } = analysed;
  const remainingFailures: FuzzFailure[] = repaired.failures;
  const byKind = countByKind(findings, remainingFailures);
  const of = (kind: FindingKind) => ({
    findings: findings.filter((f) => f.kind === kind),
    failures: remainingFailures.filter((f) => f.kind === kind),
  });
  const security = of('security');
  const robustness = of('robustness');
  const reasons: string[] = [];
  if (security.findings.length > 0) reasons.push(`static analysis: ${describeFindings(security.findings)}`);
  if (security.failures.length > 0) reasons.push(`fuzzing: ${describeFailures(security.failures.map((f) => f.outcome))}`);
  if (byKind.robustness > 0) {
    const parts = [
      robustness.findings.length > 0 ? describeFindings(robustness.findings) : null,
      robustness.failures.length > 0 ? describeFailures(robustness.failures.map((f) => f.outcome)) : null,
    ];
    reasons.push(`robustness, reported beside the verdict: ${parts.filter((p) => p !== null).join('; ')}`);
  }
  if (byKind.contract > 0)
    reasons.push(
      `contract, not a weakness: ${byKind.contract} failing input${byKind.contract === 1 ? '' : 's'} outside the parameter types`,
    );
  if (fuzzed.skippedReason) reasons.push(`fuzzing skipped: ${fuzzed.skippedReason}`);
  // Evidence of a weakness stands on its own; clearing the code needs every analysis complete.
  const incomplete = fuzzed.skippedReason ? null : repaired.incomplete;
  if (incomplete) reasons.push(`fuzzing incomplete: ${incomplete}`);
  if (analysed.incomplete) reasons.push(`static analysis incomplete: ${analysed.incomplete}`);
  const stubbed = fuzzed.skippedReason ? [] : fuzzed.pass.stubbed;
  const watch = fuzzed.skippedReason ? null : fuzzed.pass.kernelWatch;
  if (watch?.on === false)
    reasons.push(`the kernel watch was off (${watch.detail}): programs and connections started behind the audit hooks' back were not seen`);
  if (stubbed.length > 0)
    reasons.push(
      `fuzzing ran with stand-ins for modules the sandbox lacks or cannot reach (${stubbed.join(', ')}): their calls returned placeholders, so what happens inside them was not tested`,
    );
  // Code that ran against stand-ins was not tested whole: no evidence is not enough to clear it.
  const unverified = fuzzed.skippedReason !== null || incomplete !== null || analysed.incomplete !== null || stubbed.length > 0;
  // Only security evidence makes code vulnerable; crashes are robustness, reported beside it.
  const verdict: Verdict = byKind.security > 0 ? 'vulnerable' : unverified ? 'could-not-verify' : 'secure';
  if (tests)
    reasons.push(
      `behaviour tests: ${describeTestRun(tests.before)} with the first code, ${describeTestRun(tests.after)} with the final code`,
    );
  const decided = ctx.approvals.decisions.filter((d) => d.subject === 'final').at(-1);
  if (decided) reasons.push(`approval: ${describeDecision(decided)}${accepted ? '' : ' (the final code is not to be shipped)'}`);
  if (ctx.agents.caveat) reasons.push(ctx.agents.caveat);
  reasons.push(...ctx.ledger.caveats);
  return { verdict, reasons };
}

/** The run's summary as search attributes, for the UI's and `asc list`'s filters. */
function publish(ctx: RunContext, result: HardenResult): void {
  // Runs started before search attributes existed replay without the upsert.
  if (!hasPatch('search-attributes')) return;
  const { findingsBefore, findingsAfter, usage, spend } = result;
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.verdict, value: result.verdict },
    { key: SEARCH_ATTRIBUTES.cwesFound, value: Object.keys(findingsBefore).sort() },
    { key: SEARCH_ATTRIBUTES.cwesRemaining, value: Object.keys(findingsAfter).sort() },
    { key: SEARCH_ATTRIBUTES.roundsUsed, value: result.staticRounds.length + result.fuzz.repairRounds.length },
    { key: SEARCH_ATTRIBUTES.model, value: ctx.agents.model ?? 'none (audit)' },
    { key: SEARCH_ATTRIBUTES.tokens, value: usage.prompt + usage.completion },
    ...(spend.costUsd !== null ? [{ key: SEARCH_ATTRIBUTES.costUsd, value: spend.costUsd }] : []),
  ]);
}

/** Phase 5: what the phases found, the verdict it adds up to, and the run's searchable summary. */
export function verdictPhase(ctx: RunContext, phases: Phases): HardenResult {
  const { ledger, agents, request } = ctx;
  const { written, analysed, fuzzed, repaired, tests, accepted } = phases;
  ledger.progress.phase = 'done';
  const { verdict, reasons } = judge(ctx, phases);
  const { findings } = analysed;
  const remainingSummary = summariseFailures(repaired.failures);
  setCurrentDetails(
    `**${verdictLine(verdict, robustnessIssues(findings, remainingSummary.groups))}** · ${reasons.join(' · ') || 'no findings, no failing inputs'}`,
  );
  const costUsd = costOf(ledger.usage, request.llm?.price ?? null);
  const target = fuzzed.plan?.target;
  const result: HardenResult = {
    verdict,
    reasons,
    mode: agents.mode,
    source: request.source,
    model: agents.model,
    initialCode: written.initialCode,
    finalCode: repaired.code,
    staticRounds: analysed.rounds,
    fuzz: {
      target: target ? { function: target.function, entry: target.entry, params: target.params } : null,
      skippedReason: fuzzed.skippedReason,
      incomplete: fuzzed.pass.incomplete,
      stubbed: fuzzed.pass.stubbed,
      kernelWatch: fuzzed.pass.kernelWatch,
      coverage: lineCoverage(fuzzed.pass),
      firstPassExecuted: fuzzed.pass.executed,
      failures: keptFailures(fuzzed.pass.failures),
      failureSummary: summariseFailures(fuzzed.pass.failures),
      repairRounds: repaired.rounds,
    },
    // What the analysers found at first, less what the Static Analyser agent dismissed.
    findingsBefore: countByCwe(standing(analysed.rounds[0]?.findings ?? []), fuzzed.pass.failures),
    findingsAfter: countByCwe(findings, repaired.failures),
    remainingFindings: findings,
    dismissedFindings: analysed.dismissed,
    remainingFailures: keptFailures(repaired.failures),
    remainingFailureSummary: remainingSummary,
    remainingByKind: countByKind(findings, repaired.failures),
    tests,
    approvals: ctx.approvals.decisions,
    accepted,
    steps: ledger.steps,
    usage: ledger.usage,
    spend: { llmCalls: ledger.spend.calls, costUsd, budget: request.budget, stoppedBy: ledger.spend.stoppedBy },
    caveats: ledger.caveats,
  };
  publish(ctx, result);
  return result;
}
