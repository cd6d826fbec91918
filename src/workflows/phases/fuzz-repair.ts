import type { Finding, FuzzFailure, FuzzRepairRound, ReturnChange, ReviewerRejection, TestFailure } from '../../common/schemas/index.js';
import { changedReturns } from '../../domain/differential.js';
import { reviewerRejection } from '../../common/approvals.js';
import { keptFailures, summariseFailures } from '../../domain/compact.js';
import { describeFailures } from '../../domain/findings.js';
import type { RunContext } from '../run-context.js';
import type { BehaviourGate } from './behaviour.js';
import type { FuzzPass, FuzzPlan } from '../../domain/fuzz-pass.js';
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

/** Which failing inputs the run repairs, and which checks a candidate answers to (asked once, in the order runs recorded them). */
interface RepairPolicy {
  /** Failures have kinds: only security and (unless security-only) robustness are repaired. */
  byKind: boolean;
  repairable: (list: FuzzFailure[]) => FuzzFailure[];
  /** Without behaviour tests, a candidate must return what the code returned. */
  differential: boolean;
}

/** The code as it stands in the phase: the last accepted candidate's, or the start's. */
interface Standing {
  code: string;
  failures: FuzzFailure[];
  incomplete: string | null;
  returned: Record<string, string>;
}

/** What the re-checks make of a candidate, and whether they pass it. */
interface Recheck {
  rerun: FuzzPass;
  staticFindings: Finding[];
  brokenTests: TestFailure[];
  changed: ReturnChange[];
  passes: boolean;
}

const count = (list: FuzzFailure[], kind: FuzzFailure['kind']) => list.filter((f) => f.kind === kind).length;

/** The candidate re-run against the whole corpus, re-checked by the static tools and the behaviour tests. */
async function recheck(
  ctx: RunContext,
  start: FuzzRepairStart,
  now: Standing,
  candidate: string,
  label: string,
  policy: RepairPolicy,
): Promise<Recheck> {
  const rerun = await runCorpus(ctx, candidate, start.plan, `${label} re-check`);
  const check = await staticTools(ctx, candidate, `${label}: static re-check`);
  // A suppression comment counts against the candidate like a finding.
  const staticFindings = [...check.findings, ...refusedSuppressions(now.code, candidate)];
  // A re-check that did not run every input, or code a static tool could not read, cannot clear a
  // candidate (runs before this rule replay without it).
  const complete = (rerun.incomplete === null && check.errors.length === 0) || !hasPatch('incomplete-recheck-rejects');
  // Fewer of what it was asked to repair, and, of each kind it may leave alone, no more than before.
  const noWorse =
    !policy.byKind ||
    (count(rerun.failures, 'security') <= count(now.failures, 'security') &&
      count(rerun.failures, 'robustness') <= count(now.failures, 'robustness'));
  const fewer = policy.repairable(rerun.failures).length < policy.repairable(now.failures).length && noWorse;
  const brokenTests = start.gate ? start.gate.broken(await start.gate.run(candidate, `${label} candidate`)) : [];
  const changed = policy.differential ? changedReturns(start.plan, now.returned, rerun) : [];
  const passes =
    !rerun.loadError &&
    complete &&
    fewer &&
    staticFindings.length <= start.toolFindings &&
    brokenTests.length === 0 &&
    changed.length === 0;
  return { rerun, staticFindings, brokenTests, changed, passes };
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
  const now: Standing = { code: start.code, failures: start.failures, incomplete: start.incomplete, returned: start.returned };
  // Security failures are always repaired, robustness ones unless the run is security-only, and
  // inputs outside the contract never. Runs from before kinds repaired every failing input.
  const byKind = hasPatch('finding-kinds');
  const repairable = (list: FuzzFailure[]) =>
    byKind ? list.filter((f) => f.kind === 'security' || (f.kind === 'robustness' && !request.securityOnly)) : list;
  // Without behaviour tests, the results of the inputs the code handled are its behaviour (runs
  // from before this check replay without it).
  const policy: RepairPolicy = { byKind, repairable, differential: start.gate === null && hasPatch('differential-check') };
  const rounds: FuzzRepairRound[] = [];
  let last: Pick<Recheck, 'brokenTests' | 'changed'> = { brokenTests: [], changed: [] };
  let rejectedBy: ReviewerRejection = null;
  for (let round = 1; repairable(now.failures).length > 0 && round <= request.fuzz.maxRepairRounds; round++) {
    const label = `fuzz repair ${round}`;
    const toRepair = repairable(now.failures);
    const feedback = {
      kind: 'fuzz' as const,
      functionName: start.plan.target.function,
      failures: keptFailures(toRepair).slice(0, SHOWN_FAILURES),
      brokenTests: last.brokenTests,
      rejectedBy,
      changedReturns: last.changed.slice(0, SHOWN_FAILURES),
    };
    const written = await ctx.agents.repair(
      now.code,
      feedback,
      `${label}: Coding agent repairs ${describeFailures(toRepair.map((f) => f.outcome))}`,
    );
    if (written === null) break;
    ledger.progress.fuzzRepairRound = round;
    const candidate = await repairUntilParses(ctx, written, label);
    if (candidate.info.syntaxError) break;
    const checked = await recheck(ctx, start, now, candidate.code, label, policy);
    last = checked;
    // A person is asked only about a candidate the checks accept.
    const approval =
      checked.passes && ctx.approvals.eachRepair ? await ctx.approvals.ask('repair', `${label} candidate`, now.code, candidate.code) : null;
    rejectedBy = approval && approval.decision !== 'approved' ? reviewerRejection(approval) : null;
    const accepted = checked.passes && rejectedBy === null;
    const { rerun } = checked;
    rounds.push({
      round,
      candidateExecuted: rerun.executed,
      candidateFailures: keptFailures(rerun.failures),
      candidateFailureSummary: summariseFailures(rerun.failures),
      candidateStaticFindings: checked.staticFindings,
      accepted,
      brokenTests: checked.brokenTests,
      changedReturns: checked.changed.slice(0, SHOWN_FAILURES),
      approval,
    });
    if (accepted) {
      Object.assign(now, { code: candidate.code, failures: rerun.failures, incomplete: rerun.incomplete, returned: rerun.returned });
      ledger.progress.failingInputs = now.failures.length;
    }
  }
  return { code: now.code, rounds, failures: now.failures, incomplete: now.incomplete };
}
