import {
  StaticToolsResultSchema,
  type Finding,
  type ReviewerRejection,
  type StaticRound,
  type TestFailure,
} from '../../common/schemas/index.js';
import { reviewerRejection } from '../../common/approvals.js';
import { addedSuppressions, describeFindings, standing } from '../../domain/findings.js';
import { analysis } from '../proxies.js';
import type { RunContext } from '../run-context.js';
import type { BehaviourGate } from './behaviour.js';
import { repairUntilParses } from './parse.js';
import { hasPatch } from '../patches.js';

export interface StaticOutcome {
  /** The code the rounds ended with. */
  code: string;
  rounds: StaticRound[];
  /** The findings of the last analysis that stand: those still in `code`. */
  findings: Finding[];
  /** Tool findings of the last analysis that the Static Analyser agent dismissed. */
  dismissed: Finding[];
  /** Why the last analysis could not cover all of `code` (the static tools' errors); its silence then clears nothing. */
  incomplete: string | null;
}

export interface ToolsCheck {
  findings: Finding[];
  /** What the static tools could not analyse (none in results recorded before it was reported). */
  errors: string[];
}

/**
 * The static analysers (Bandit and Semgrep), as the static rounds run them and the fuzz-repair
 * phase re-checks a candidate with them. Runs started before Semgrep joined run Bandit alone.
 */
export async function staticTools({ ledger, request }: RunContext, code: string, label: string): Promise<ToolsCheck> {
  const both = hasPatch('semgrep-analysis');
  const result = await ledger.step({
    agent: both ? 'analysers' : 'bandit',
    action: `${label}: ${both ? 'Bandit + Semgrep' : 'Bandit'}`,
    activity: both ? analysis.runStaticTools : analysis.runBandit,
    args: [{ code, minSeverity: request.minSeverity }],
    result: StaticToolsResultSchema,
    describe: (r) => `${describeFindings(r.findings)}${r.errors.length > 0 ? `; ${r.errors.length} error(s)` : ''}`,
  });
  return { findings: result.findings, errors: result.errors };
}

const dismissedOf = (findings: Finding[]) => findings.filter((f) => f.triage?.verdict === 'dismissed');

/** The static analysers, then the Static Analyser agent's triage of their findings and review of the code. */
async function analyse(ctx: RunContext, code: string, label: string): Promise<{ findings: Finding[]; incomplete: string | null }> {
  const tool = await staticTools(ctx, code, label);
  const findings = await ctx.agents.review(code, tool.findings, label);
  return { findings, incomplete: tool.errors.length > 0 ? tool.errors.join('; ') : null };
}

/**
 * A repair that adds a suppression comment tells an analyser to look away: it is refused, and
 * the comment is a finding the next repair is shown. (Runs before this rule replay without it.)
 */
export function refusedSuppressions(before: string, after: string): Finding[] {
  const added = addedSuppressions(before, after);
  return added.length > 0 && hasPatch('suppression-comments-refused') ? added : [];
}

/**
 * Phase 2: analyse, repair, and analyse again until clean or out of rounds. After the last
 * repair the code is analysed once more ("static re-check"), so the findings always describe
 * the code that is kept. With behaviour tests, a repair that breaks one is refused and the next
 * repair is shown the broken tests.
 */
export async function staticPhase(ctx: RunContext, code: string, gate: BehaviourGate | null): Promise<StaticOutcome> {
  const { ledger, request } = ctx;
  ledger.progress.phase = 'static';
  const rounds: StaticRound[] = [];
  let refused: Finding[] = [];
  let brokenTests: TestFailure[] = [];
  let rejectedBy: ReviewerRejection = null;
  for (let round = 1; ; round++) {
    ledger.progress.staticRound = round;
    const label = round > request.maxStaticRounds ? 'static re-check' : `static round ${round}`;
    const analysed = await analyse(ctx, code, label);
    const findings = standing(analysed.findings);
    // Security findings are always repaired; robustness ones (CWE-703) unless the run is security-only.
    const toRepair = request.securityOnly ? findings.filter((f) => f.kind === 'security') : findings;
    // The round shows every finding, dismissed ones with the agent's reason.
    const record: StaticRound = {
      round,
      findings: analysed.findings,
      repaired: false,
      repairRefusedFor: [],
      brokenTests: [],
      approval: null,
    };
    rounds.push(record);
    const done = { code, rounds, findings, dismissed: dismissedOf(analysed.findings), incomplete: analysed.incomplete };
    if (toRepair.length === 0 || round > request.maxStaticRounds) return done;
    const shown = [...toRepair, ...refused];
    const feedback = { kind: 'static' as const, findings: shown, brokenTests, rejectedBy };
    // Told once: a later refusal (a suppression) is about a later repair.
    brokenTests = [];
    rejectedBy = null;
    const candidate = await ctx.agents.repair(code, feedback, `${label}: Coding agent repairs ${shown.length} finding(s)`);
    if (candidate === null) return done;
    const repaired = await repairUntilParses(ctx, candidate, label);
    if (repaired.info.syntaxError) return done;
    refused = refusedSuppressions(code, repaired.code);
    if (refused.length > 0) {
      record.repairRefusedFor = refused;
      continue;
    }
    brokenTests = gate ? gate.broken(await gate.run(repaired.code, `${label} repair`)) : [];
    if (brokenTests.length > 0) {
      record.brokenTests = brokenTests;
      continue;
    }
    record.approval = ctx.approvals.eachRepair ? await ctx.approvals.ask('repair', `${label} repair`, code, repaired.code) : null;
    rejectedBy = record.approval && record.approval.decision !== 'approved' ? reviewerRejection(record.approval) : null;
    if (rejectedBy) continue;
    code = repaired.code;
    record.repaired = true;
  }
}

/** After fuzz repair changed the code, one more analysis, recorded as a further round. */
export async function finalStaticCheck(ctx: RunContext, code: string, before: StaticOutcome): Promise<StaticOutcome> {
  const { findings, incomplete } = await analyse(ctx, code, 'final static check');
  return {
    code,
    rounds: [
      ...before.rounds,
      { round: before.rounds.length + 1, findings, repaired: false, repairRefusedFor: [], brokenTests: [], approval: null },
    ],
    findings: standing(findings),
    dismissed: dismissedOf(findings),
    incomplete,
  };
}
