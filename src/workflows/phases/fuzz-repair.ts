import type { FuzzFailure, FuzzRepairRound, ReturnChange, ReviewerRejection, TestFailure } from '../../common/schemas/index.js';
import { changedReturns } from '../../domain/differential.js';
import { reviewerRejection } from '../../common/approvals.js';
import { keptFailures, summariseFailures } from '../../domain/compact.js';
import { describeFailures } from '../../domain/findings.js';
import type { RunContext } from '../run-context.js';
import type { BehaviourGate } from './behaviour.js';
import type { FuzzPlan } from '../../domain/fuzz-pass.js';
import { runCorpus } from './fuzz.js';
import { repairUntilParses } from './parse.js';
import { refusedSuppressions, staticTools } from './static.js';
import { hasPatch } from '../patches.js';

/** The failing inputs the Coding agent is shown in one repair request. */
const SHOWN_FAILURES = 10;

export interface FuzzRepairStart {
  code: string;
  plan: FuzzPlan;
  /** What the code fails now. */
  failures: FuzzFailure[];
  /** Why that pass could not vouch for every input, if it could not. */
  incomplete: string | null;
  /** The static tools' findings in the code now: a candidate may not add to them. */
  toolFindings: number;
  /** Behaviour tests a candidate must keep passing; null without tests. */
  gate: BehaviourGate | null;
  /** What the code returned for each input it handled normally: without tests, a candidate must return the same. */
  returned: Record<string, string>;
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
 * Phase 4: the Coding agent repairs from the failing inputs it is to repair (security always,
 * robustness unless security-only); each candidate is re-run against the whole corpus and
 * re-checked by the static tools (and the behaviour tests, if any), and kept only when it fails
 * fewer of them, no more security ones, adds no static finding, breaks no test that passed and,
 * without tests, returns what the code returned for every input it handled normally.
 */
export async function fuzzRepairPhase(ctx: RunContext, start: FuzzRepairStart): Promise<FuzzRepairOutcome> {
  const { ledger, request } = ctx;
  ledger.progress.phase = 'fuzz-repair';
  let { code, failures, incomplete } = start;
  // Security failures are always repaired, robustness ones unless the run is security-only, and
  // inputs outside the contract never. Runs from before kinds repaired every failing input.
  const byKind = hasPatch('finding-kinds');
  const repairable = (list: FuzzFailure[]) =>
    byKind ? list.filter((f) => f.kind === 'security' || (f.kind === 'robustness' && !request.securityOnly)) : list;
  const count = (list: FuzzFailure[], kind: FuzzFailure['kind']) => list.filter((f) => f.kind === kind).length;
  const rounds: FuzzRepairRound[] = [];
  let brokenTests: TestFailure[] = [];
  let rejectedBy: ReviewerRejection = null;
  let changed: ReturnChange[] = [];
  let { returned } = start;
  // Without behaviour tests, the results of the inputs the code handled are its behaviour (runs
  // from before this check replay without it).
  const differential = start.gate === null && hasPatch('differential-check');
  for (let round = 1; repairable(failures).length > 0 && round <= request.fuzz.maxRepairRounds; round++) {
    const label = `fuzz repair ${round}`;
    const toRepair = repairable(failures);
    const feedback = {
      kind: 'fuzz' as const,
      functionName: start.plan.target.function,
      failures: keptFailures(toRepair).slice(0, SHOWN_FAILURES),
      brokenTests,
      rejectedBy,
      changedReturns: changed.slice(0, SHOWN_FAILURES),
    };
    const written = await ctx.agents.repair(
      code,
      feedback,
      `${label}: Coding agent repairs ${describeFailures(toRepair.map((f) => f.outcome))}`,
    );
    if (written === null) break;
    ledger.progress.fuzzRepairRound = round;
    const candidate = await repairUntilParses(ctx, written, label);
    if (candidate.info.syntaxError) break;
    const rerun = await runCorpus(ctx, candidate.code, start.plan, `${label} re-check`);
    const check = await staticTools(ctx, candidate.code, `${label}: static re-check`);
    // A suppression comment counts against the candidate like a finding.
    const staticFindings = [...check.findings, ...refusedSuppressions(code, candidate.code)];
    // A re-check that did not run every input, or code a static tool could not read, cannot clear a
    // candidate (runs before this rule replay without it).
    const complete = (rerun.incomplete === null && check.errors.length === 0) || !hasPatch('incomplete-recheck-rejects');
    // Fewer of what it was asked to repair, and, of each kind it may leave alone, no more than before.
    const noWorse =
      !byKind ||
      (count(rerun.failures, 'security') <= count(failures, 'security') &&
        count(rerun.failures, 'robustness') <= count(failures, 'robustness'));
    const fewer = repairable(rerun.failures).length < toRepair.length && noWorse;
    brokenTests = start.gate ? start.gate.broken(await start.gate.run(candidate.code, `${label} candidate`)) : [];
    changed = differential ? changedReturns(start.plan, returned, rerun) : [];
    const passes =
      !rerun.loadError &&
      complete &&
      fewer &&
      staticFindings.length <= start.toolFindings &&
      brokenTests.length === 0 &&
      changed.length === 0;
    // A person is asked only about a candidate the checks accept.
    const approval =
      passes && ctx.approvals.eachRepair ? await ctx.approvals.ask('repair', `${label} candidate`, code, candidate.code) : null;
    rejectedBy = approval && approval.decision !== 'approved' ? reviewerRejection(approval) : null;
    const accepted = passes && rejectedBy === null;
    rounds.push({
      round,
      candidateExecuted: rerun.executed,
      candidateFailures: keptFailures(rerun.failures),
      candidateFailureSummary: summariseFailures(rerun.failures),
      candidateStaticFindings: staticFindings,
      accepted,
      brokenTests,
      changedReturns: changed.slice(0, SHOWN_FAILURES),
      approval,
    });
    if (accepted) {
      code = candidate.code;
      failures = rerun.failures;
      incomplete = rerun.incomplete;
      returned = rerun.returned;
      ledger.progress.failingInputs = failures.length;
    }
  }
  return { code, rounds, failures, incomplete };
}
