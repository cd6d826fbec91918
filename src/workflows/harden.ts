import { allHandlersFinished, condition, defineQuery, setHandler } from '@temporalio/workflow';
import { failure } from '../common/failures.js';
import { PROGRESS_QUERY } from '../common/queues.js';
import { describeZodError } from '../common/zod-error.js';
import { HardenRequestSchema, type HardenRequest, type HardenResult, type Progress } from '../common/schemas/index.js';
import { agentsFor } from './agents.js';
import { Approvals } from './approval.js';
import { requestAsStarted } from './legacy.js';
import type { FuzzPass, FuzzPlan } from '../domain/fuzz-pass.js';
import { behaviourBaseline, checkTestsParse, type BehaviourGate } from './phases/behaviour.js';
import { fuzzPhase } from './phases/fuzz.js';
import { fuzzRepairPhase, type FuzzRepairStart } from './phases/fuzz-repair.js';
import { generatePhase } from './phases/generate.js';
import { finalStaticCheck, staticPhase, type StaticOutcome } from './phases/static.js';
import { verdictPhase } from './phases/verdict.js';
import { Ledger } from './ledger.js';
import type { RunContext } from './run-context.js';

/** What fuzz repair starts from: the code after the static rounds, the first pass over it, and the behaviour to keep. */
function repairStart(statics: StaticOutcome, plan: FuzzPlan, pass: FuzzPass, gate: BehaviourGate | null): FuzzRepairStart {
  const toolFindings = [...statics.findings, ...statics.dismissed].filter((f) => f.source === 'bandit' || f.source === 'semgrep').length;
  return { code: statics.code, plan, failures: pass.failures, incomplete: pass.incomplete, toolFindings, gate, returned: pass.returned };
}

export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);

/**
 * The AutoSafeCoder loop: the Coding agent writes the code, static rounds analyse and repair it,
 * the Fuzzing agent's corpus runs in the sandbox, the Coding agent repairs what crashed, and the
 * verdict sums up. Each phase takes and returns its state; the ledger records every step.
 */
export async function hardenWorkflow(input: HardenRequest): Promise<HardenResult> {
  const parsed = HardenRequestSchema.safeParse(requestAsStarted(input));
  if (!parsed.success)
    throw failure(
      'BadRequest',
      `${describeZodError('the hardening request', parsed.error)} (requests are resolved by the client: start runs with asc or src/client/request.ts)`,
    );
  const request = parsed.data;
  const ledger = new Ledger(request.budget);
  setHandler(progressQuery, () => ledger.progress);
  const ctx: RunContext = {
    request,
    ledger,
    agents: agentsFor(request, ledger),
    approvals: new Approvals(request.approval, ledger),
    parsed: new Map(),
  };

  await checkTestsParse(ctx);
  const written = await generatePhase(ctx);
  // Which behaviour tests the first code passes: every repair must keep them passing.
  const gate = await behaviourBaseline(ctx, written.code);
  const statics = await staticPhase(ctx, written.code, gate);
  const fuzzed = await fuzzPhase(ctx, statics.code);
  const repaired = fuzzed.plan
    ? await fuzzRepairPhase(ctx, repairStart(statics, fuzzed.plan, fuzzed.pass, gate))
    : { code: statics.code, rounds: [], failures: [], incomplete: null };
  const analysed = repaired.code === statics.code ? statics : await finalStaticCheck(ctx, repaired.code, statics);
  const tests = gate && {
    style: gate.tests.style,
    before: gate.baseline,
    after: repaired.code === written.code ? gate.baseline : await gate.run(repaired.code, 'final code'),
  };
  const final = ctx.approvals.final ? await ctx.approvals.ask('final', 'the final code', written.code, repaired.code) : null;
  const result = verdictPhase(ctx, {
    written,
    analysed,
    fuzzed,
    repaired,
    tests,
    accepted: final === null || final.decision === 'approved',
  });
  // Every approve/reject update gets its answer before the run closes.
  await condition(allHandlersFinished);
  return result;
}
