import { patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import type { FuzzFailure, HardenResult, Verdict } from '../../common/schemas.js';
import { keptFailures, summariseFailures } from '../compact.js';
import { countByCwe, describeFailures, describeFindings } from '../findings.js';
import type { RunContext } from '../steps.js';
import type { Written } from './generate.js';
import type { FirstPass } from './fuzz.js';
import type { FuzzRepairOutcome } from './fuzz-repair.js';
import type { StaticOutcome } from './static.js';

export interface Phases {
  written: Written;
  /** The static rounds, with the final check after fuzz repair when it changed the code. */
  analysed: StaticOutcome;
  fuzzed: FirstPass;
  repaired: FuzzRepairOutcome;
}

/** Phase 5: what the phases found, the verdict it adds up to, and the run's searchable summary. */
export function verdictPhase(ctx: RunContext, { written, analysed, fuzzed, repaired }: Phases): HardenResult {
  const { ledger, agents, request } = ctx;
  ledger.progress.phase = 'done';
  const findings = analysed.findings;
  const remainingFailures: FuzzFailure[] = repaired.failures;
  const reasons: string[] = [];
  if (findings.length > 0) reasons.push(`static analysis: ${describeFindings(findings)}`);
  if (remainingFailures.length > 0) reasons.push(`fuzzing: ${describeFailures(remainingFailures.map((f) => f.outcome))}`);
  if (fuzzed.skippedReason) reasons.push(`fuzzing skipped: ${fuzzed.skippedReason}`);
  // Evidence of a weakness stands on its own; clearing the code needs every analysis complete.
  const incomplete = fuzzed.skippedReason ? null : repaired.incomplete;
  if (incomplete) reasons.push(`fuzzing incomplete: ${incomplete}`);
  if (analysed.incomplete) reasons.push(`static analysis incomplete: ${analysed.incomplete}`);
  const unverified = fuzzed.skippedReason !== null || incomplete !== null || analysed.incomplete !== null;
  const verdict: Verdict = findings.length > 0 || remainingFailures.length > 0 ? 'vulnerable' : unverified ? 'could-not-verify' : 'secure';
  if (agents.caveat) reasons.push(agents.caveat);
  setCurrentDetails(`**${verdict}** · ${reasons.join(' · ') || 'no findings, no failing inputs'}`);
  const findingsBefore = countByCwe(analysed.rounds[0]?.findings ?? [], fuzzed.pass.failures);
  const findingsAfter = countByCwe(findings, remainingFailures);
  // Runs started before search attributes existed replay without the upsert.
  if (patched('search-attributes')) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.verdict, value: verdict },
      { key: SEARCH_ATTRIBUTES.cwesFound, value: Object.keys(findingsBefore).sort() },
      { key: SEARCH_ATTRIBUTES.cwesRemaining, value: Object.keys(findingsAfter).sort() },
      { key: SEARCH_ATTRIBUTES.roundsUsed, value: analysed.rounds.length + repaired.rounds.length },
      { key: SEARCH_ATTRIBUTES.model, value: agents.model ?? 'none (audit)' },
    ]);
  }
  const target = fuzzed.plan?.target;
  return {
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
      firstPassExecuted: fuzzed.pass.executed,
      failures: keptFailures(fuzzed.pass.failures),
      failureSummary: summariseFailures(fuzzed.pass.failures),
      repairRounds: repaired.rounds,
    },
    findingsBefore,
    findingsAfter,
    remainingFindings: findings,
    remainingFailures: keptFailures(remainingFailures),
    remainingFailureSummary: summariseFailures(remainingFailures),
    steps: ledger.steps,
    usage: ledger.usage,
  };
}
