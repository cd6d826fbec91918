import type { Finding, StaticRound } from '../../common/schemas.js';
import { describeFindings } from '../findings.js';
import { analysis, type RunContext } from '../steps.js';
import { repairUntilParses } from './parse.js';

export interface StaticOutcome {
  /** The code the rounds ended with. */
  code: string;
  rounds: StaticRound[];
  /** The findings of the last analysis: those still in `code`. */
  findings: Finding[];
}

/** Bandit alone, as the fuzz-repair phase re-checks a candidate with it. */
export async function bandit({ ledger, request }: RunContext, code: string, action: string): Promise<Finding[]> {
  const result = await ledger.step({ agent: 'bandit', action, activity: analysis.runBandit, args: [{ code, minSeverity: request.minSeverity }], describe: (r) => describeFindings(r.findings) });
  return result.findings;
}

/** Bandit, then the Static Analyser agent's review of the code and of Bandit's findings. */
async function analyse(ctx: RunContext, code: string, label: string): Promise<Finding[]> {
  return ctx.agents.review(code, await bandit(ctx, code, `${label}: Bandit`), label);
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
  for (let round = 1; ; round++) {
    ledger.progress.staticRound = round;
    const label = round > request.maxStaticRounds ? 'static re-check' : `static round ${round}`;
    const findings = await analyse(ctx, code, label);
    const record: StaticRound = { round, findings, repaired: false };
    rounds.push(record);
    if (findings.length === 0 || round > request.maxStaticRounds) return { code, rounds, findings };
    const candidate = await ctx.agents.repair(code, { kind: 'static', findings }, `${label}: Coding agent repairs ${findings.length} finding(s)`);
    if (candidate === null) return { code, rounds, findings };
    const repaired = await repairUntilParses(ctx, candidate, label);
    if (repaired.info.syntaxError) return { code, rounds, findings };
    code = repaired.code;
    record.repaired = true;
  }
}

/** After fuzz repair changed the code, one more analysis, recorded as a further round. */
export async function finalStaticCheck(ctx: RunContext, code: string, before: StaticOutcome): Promise<StaticOutcome> {
  const findings = await analyse(ctx, code, 'final static check');
  return { code, rounds: [...before.rounds, { round: before.rounds.length + 1, findings, repaired: false }], findings };
}
