import { patched } from '@temporalio/workflow';
import type { FuzzFailure, FuzzRepairRound } from '../../common/schemas.js';
import { keptFailures, summariseFailures } from '../compact.js';
import { describeFailures } from '../findings.js';
import type { RunContext } from '../steps.js';
import { runCorpus, type FuzzPlan } from './fuzz.js';
import { repairUntilParses } from './parse.js';
import { bandit, refusedSuppressions } from './static.js';

/** The failing inputs the Coding agent is shown in one repair request. */
const SHOWN_FAILURES = 10;

export interface FuzzRepairStart {
  code: string;
  plan: FuzzPlan;
  /** What the code fails now. */
  failures: FuzzFailure[];
  /** Why that pass could not vouch for every input, if it could not. */
  incomplete: string | null;
  /** Bandit's findings in the code now: a candidate may not add to them. */
  banditFindings: number;
}

export interface FuzzRepairOutcome {
  /** The last accepted candidate, or the code the phase started with. */
  code: string;
  rounds: FuzzRepairRound[];
  /** What `code` fails. */
  failures: FuzzFailure[];
  /** Why the pass over `code` could not vouch for every input, if it could not. */
  incomplete: string | null;
}

/**
 * Phase 4: the Coding agent repairs from the failing inputs; each candidate is re-run against the
 * whole corpus and re-checked by Bandit, and kept only when it fails fewer inputs and adds no
 * Bandit finding.
 */
export async function fuzzRepairPhase(ctx: RunContext, start: FuzzRepairStart): Promise<FuzzRepairOutcome> {
  const { ledger, request } = ctx;
  ledger.progress.phase = 'fuzz-repair';
  let { code, failures, incomplete } = start;
  const rounds: FuzzRepairRound[] = [];
  for (let round = 1; failures.length > 0 && round <= request.fuzz.maxRepairRounds; round++) {
    const label = `fuzz repair ${round}`;
    const feedback = { kind: 'fuzz' as const, functionName: start.plan.target.function, failures: keptFailures(failures).slice(0, SHOWN_FAILURES) };
    const written = await ctx.agents.repair(code, feedback, `${label}: Coding agent repairs ${describeFailures(failures.map((f) => f.outcome))}`);
    if (written === null) break;
    ledger.progress.fuzzRepairRound = round;
    const candidate = await repairUntilParses(ctx, written, label);
    if (candidate.info.syntaxError) break;
    const rerun = await runCorpus(ctx, candidate.code, start.plan, `${label} re-check`);
    const check = await bandit(ctx, candidate.code, `${label}: Bandit re-check`);
    // A suppression comment counts against the candidate like a finding.
    const staticFindings = [...check.findings, ...refusedSuppressions(code, candidate.code)];
    // A re-check that did not run every input, or that Bandit could not read, cannot clear a
    // candidate (runs before this rule replay without it).
    const complete = (rerun.incomplete === null && check.errors.length === 0) || !patched('incomplete-recheck-rejects');
    const accepted = !rerun.loadError && complete && rerun.failures.length < failures.length && staticFindings.length <= start.banditFindings;
    rounds.push({ round, candidateExecuted: rerun.executed, candidateFailures: keptFailures(rerun.failures), candidateFailureSummary: summariseFailures(rerun.failures), candidateStaticFindings: staticFindings, accepted });
    if (accepted) {
      code = candidate.code;
      failures = rerun.failures;
      incomplete = rerun.incomplete;
      ledger.progress.failingInputs = failures.length;
    }
  }
  return { code, rounds, failures, incomplete };
}
