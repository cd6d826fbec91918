import { patched } from '@temporalio/workflow';
import { BanditResultSchema, type Finding, type StaticRound } from '../../common/schemas.js';
import { addedSuppressions, describeFindings } from '../findings.js';
import { analysis, type RunContext } from '../steps.js';
import { repairUntilParses } from './parse.js';

export interface StaticOutcome {
  /** The code the rounds ended with. */
  code: string;
  rounds: StaticRound[];
  /** The findings of the last analysis: those still in `code`. */
  findings: Finding[];
  /** Why the last analysis could not cover all of `code` (Bandit's errors); its silence then clears nothing. */
  incomplete: string | null;
}

export interface BanditCheck {
  findings: Finding[];
  /** What Bandit could not analyse (none in results recorded before it was reported). */
  errors: string[];
}

/** Bandit alone, as the fuzz-repair phase re-checks a candidate with it. */
export async function bandit({ ledger, request }: RunContext, code: string, action: string): Promise<BanditCheck> {
  const result = await ledger.step({
    agent: 'bandit',
    action,
    activity: analysis.runBandit,
    args: [{ code, minSeverity: request.minSeverity }],
    result: BanditResultSchema,
    describe: (r) => `${describeFindings(r.findings)}${r.errors.length > 0 ? `; ${r.errors.length} error(s)` : ''}`,
  });
  return { findings: result.findings, errors: result.errors };
}

/** Bandit, then the Static Analyser agent's review of the code and of Bandit's findings. */
async function analyse(ctx: RunContext, code: string, label: string): Promise<{ findings: Finding[]; incomplete: string | null }> {
  const tool = await bandit(ctx, code, `${label}: Bandit`);
  const findings = await ctx.agents.review(code, tool.findings, label);
  return { findings, incomplete: tool.errors.length > 0 ? tool.errors.join('; ') : null };
}

/**
 * A repair that adds a suppression comment tells an analyser to look away: it is refused, and
 * the comment is a finding the next repair is shown. (Runs before this rule replay without it.)
 */
export function refusedSuppressions(before: string, after: string): Finding[] {
  const added = addedSuppressions(before, after);
  return added.length > 0 && patched('suppression-comments-refused') ? added : [];
}

/**
 * Phase 2: analyse, repair, and analyse again until clean or out of rounds. After the last
 * repair the code is analysed once more ("static re-check"), so the findings always describe
 * the code that is kept.
 */
export async function staticPhase(ctx: RunContext, code: string): Promise<StaticOutcome> {
  const { ledger, request } = ctx;
  ledger.progress.phase = 'static';
  const rounds: StaticRound[] = [];
  let refused: Finding[] = [];
  for (let round = 1; ; round++) {
    ledger.progress.staticRound = round;
    const label = round > request.maxStaticRounds ? 'static re-check' : `static round ${round}`;
    const { findings, incomplete } = await analyse(ctx, code, label);
    const record: StaticRound = { round, findings, repaired: false, repairRefusedFor: [] };
    rounds.push(record);
    const done = { code, rounds, findings, incomplete };
    if (findings.length === 0 || round > request.maxStaticRounds) return done;
    const shown = [...findings, ...refused];
    const candidate = await ctx.agents.repair(code, { kind: 'static', findings: shown }, `${label}: Coding agent repairs ${shown.length} finding(s)`);
    if (candidate === null) return done;
    const repaired = await repairUntilParses(ctx, candidate, label);
    if (repaired.info.syntaxError) return done;
    refused = refusedSuppressions(code, repaired.code);
    if (refused.length > 0) {
      record.repairRefusedFor = refused;
      continue;
    }
    code = repaired.code;
    record.repaired = true;
  }
}

/** After fuzz repair changed the code, one more analysis, recorded as a further round. */
export async function finalStaticCheck(ctx: RunContext, code: string, before: StaticOutcome): Promise<StaticOutcome> {
  const { findings, incomplete } = await analyse(ctx, code, 'final static check');
  return { code, rounds: [...before.rounds, { round: before.rounds.length + 1, findings, repaired: false, repairRefusedFor: [] }], findings, incomplete };
}
