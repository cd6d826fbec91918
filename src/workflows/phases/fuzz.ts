import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import {
  combinedKernelWatch,
  RunBatchResultSchema,
  RunFuzzPassResultSchema,
  sandboxActivityTimeoutMs,
  SANDBOX_LIMITS,
  type FuzzCase,
  type FuzzRounds,
  type RunBatchResult,
} from '../../common/sandbox.js';
import type { FunctionInfo, FuzzFailure, InspectResult } from '../../common/schemas/index.js';
import { describeFailures, failureKind, isFailure } from '../../domain/findings.js';
import { digestCases, GuidedRounds, reachedLines, splitBatches } from '../../domain/fuzz-rounds.js';
import { classifyParams } from '../../domain/param-roles.js';
import { defaultTarget, fallbackTargets, fuzzableFunctions, seedsFromSignature } from '../../domain/signature-seeds.js';
import { sandboxActivities } from '../proxies.js';
import type { RunContext } from '../run-context.js';
import { parse } from './parse.js';
import { EMPTY_PASS, type FuzzPass, type FuzzPlan } from '../../domain/fuzz-pass.js';
import { hasPatch } from '../patches.js';

export interface FirstPass {
  plan: FuzzPlan | null;
  /** Why the code could not be fuzzed (nothing to call, or it failed to load). */
  skippedReason: string | null;
  pass: FuzzPass;
}

/** Coverage-guided mutation spreads the budget over this many rounds. */
const GUIDED_ROUNDS = 3;

function whyNothingToFuzz(functions: FunctionInfo[]): string {
  if (functions.some((f) => f.route !== null)) return 'its route handlers read no request parameters, so there is no input to fuzz';
  if (functions.some((f) => f.decorators.length > 0))
    return 'the code has only decorated functions that are not Flask routes, which cannot be called directly';
  if (hasPatch('every-task-runs'))
    return 'the code defines no function, route or method of a class built without arguments, and runs no statements of its own: there is nothing to execute';
  return 'the code has no function with parameters to call';
}

/** What fuzzing aims at: the target, its seeds, the arguments an attacker sets, and whether there is any input to vary. */
interface Aim {
  target: FuzzPlan['target'];
  mutable: boolean[];
  /** A function with no parameters: its one run says all there is to say. */
  once: boolean;
  /** Inputs over this many characters of JSON are not derived. */
  maxChars: number;
}

/** Runs started before inputs were bounded replay with the corpus they had. */
function maxInputChars(): number {
  return hasPatch('bounded-input-size') ? SANDBOX_LIMITS.maxInputChars : Number.POSITIVE_INFINITY;
}

/**
 * The target when no function takes input: its signature's seeds, and no LLM call (a
 * parameterless function runs once; a module runs as a program with mutated argv and stdin).
 */
function fallbackAim(info: InspectResult): Aim | null {
  const fn = defaultTarget(fallbackTargets(info.functions, info.moduleCode));
  if (!fn) return null;
  const chosen = seedsFromSignature(fn, true);
  const target = { ...chosen, params: classifyParams(fn, chosen) };
  return { target, mutable: target.params.map((p) => p.role === 'attacker'), once: target.params.length === 0, maxChars: maxInputChars() };
}

async function aimFor(ctx: RunContext, code: string, info: InspectResult): Promise<Aim | null> {
  const candidates = fuzzableFunctions(info.functions);
  // Runs started before every task ran skipped code with no function that takes input.
  if (candidates.length === 0) return hasPatch('every-task-runs') ? fallbackAim(info) : null;
  const chosen = await ctx.agents.seeds(code, candidates);
  if (!chosen) return null;
  const target = {
    ...chosen,
    params: classifyParams(
      candidates.find((f) => f.name === chosen.function),
      chosen,
    ),
  };
  // Asked in the order runs recorded their patch markers: the input bound, then finding kinds.
  const maxChars = maxInputChars();
  // The fuzzer plays the attacker: trusted configuration keeps its seeded values (runs from before roles mutated every argument).
  const attacker = target.params.map((p) => p.role === 'attacker');
  return { target, mutable: hasPatch('finding-kinds') && attacker.some(Boolean) ? attacker : [], once: false, maxChars };
}

/** Phase 3: the Fuzzing agent picks the target and writes seeds; mutation derives the corpus; one pass runs it. */
export async function fuzzPhase(ctx: RunContext, code: string): Promise<FirstPass> {
  const { ledger } = ctx;
  ledger.progress.phase = 'fuzzing';
  const info = await parse(ctx, code, 'fuzz: find the function under test');
  const aim = await aimFor(ctx, code, info);
  if (!aim) return { plan: null, skippedReason: whyNothingToFuzz(info.functions), pass: EMPTY_PASS };
  const { plan, pass } = await firstPass(ctx, code, aim);
  if (pass.loadError)
    return { plan, skippedReason: `the code could not be loaded in the sandbox: ${pass.loadError}`, pass: { ...pass, failures: [] } };
  ledger.progress.failingInputs = pass.failures.length;
  return { plan, skippedReason: null, pass };
}

/**
 * The seeds and their mutations, run. Guided: the budget is spent in rounds (GuidedRounds), each
 * steered by the lines the rounds before reached. Otherwise all at once from the seeds. Runs
 * since `fuzz-pass` run every round in one activity and the same containers; the workflow
 * derives the same inputs again from the lines in its result, and checks they are the same.
 */
async function firstPass(ctx: RunContext, code: string, aim: Aim): Promise<{ plan: FuzzPlan; pass: FuzzPass }> {
  const { target, mutable, maxChars } = aim;
  if (aim.once) {
    const plan = { target, cases: target.seeds.slice(0, 1) };
    return { plan, pass: await runCorpus(ctx, code, plan, 'fuzz') };
  }
  const { mutations, seed, coverageGuided } = ctx.request.fuzz;
  // Runs from before the later oracles mutate with the first dictionary.
  const attackStrings = hasPatch('attack-strings');
  const rounds = coverageGuided && hasPatch('coverage-guided') ? GUIDED_ROUNDS : 1;
  const plan: FuzzRounds = { seeds: target.seeds, mutations, seed, rounds, maxChars, mutable, attackStrings };
  if (Number.isFinite(maxChars) && plan.seeds.length > 0 && hasPatch('fuzz-pass')) return runPass(ctx, code, target, plan);
  const guided = new GuidedRounds(plan);
  let pass = EMPTY_PASS;
  for (let batch = guided.next(), round = 1; batch; batch = guided.next(), round++) {
    const part = await runCorpus(ctx, code, { target, cases: batch }, rounds > 1 ? `fuzz round ${round}/${rounds}` : 'fuzz', rounds > 1);
    pass = mergePasses(pass, part);
    // Code that fails to load, hangs or kills its runner gains nothing from another round.
    guided.record(batch, part.coverage.reached, part.loadError !== null || part.incomplete !== null);
  }
  return { plan: { target, cases: guided.cases }, pass };
}

/** The whole pass in one activity; its inputs derived again here from the lines each reached. */
async function runPass(
  ctx: RunContext,
  code: string,
  target: FuzzPlan['target'],
  plan: FuzzRounds,
): Promise<{ plan: FuzzPlan; pass: FuzzPass }> {
  const { timeoutMsPerInput } = ctx.request.fuzz;
  const total = plan.seeds.length + plan.mutations;
  const rounds = plan.rounds > 1 ? `${plan.rounds} coverage-guided rounds` : 'one round';
  const result = await ctx.ledger.step({
    agent: 'sandbox',
    action: 'fuzz',
    summary: `fuzz: up to ${total} inputs in ${rounds}, each container loading the code once`,
    activity: sandboxActivities(sandboxActivityTimeoutMs(total, timeoutMsPerInput)).runFuzzPass,
    args: [{ ...batchTarget(code, target, timeoutMsPerInput, 'fuzz', plan.rounds > 1), rounds: plan }],
    result: RunFuzzPassResultSchema,
    describe: (r) =>
      `${r.outcomes.length} inputs in ${r.rounds.length} round(s) over ${r.containers} container(s): ${r.loadError ? `code failed to load: ${r.loadError}` : describeFailures(r.outcomes.map((o) => o.outcome))}`,
  });
  const reached = reachedLines(result.outcomes);
  const guided = new GuidedRounds(plan);
  for (const [i, round] of result.rounds.entries()) {
    const batch = guided.next();
    if (!batch || digestCases(batch) !== round.digest) {
      throw ApplicationFailure.nonRetryable(
        `fuzz round ${i + 1}: the sandbox worker ran other inputs (${round.digest}) than this workflow derives (${batch ? digestCases(batch) : 'none'}); the two run different versions of AutoSafeCoder: deploy one version to every worker and start the run again`,
        'FuzzPlanMismatch',
      );
    }
    guided.record(batch, reached, false);
  }
  return { plan: { target, cases: guided.cases }, pass: foldResults(ctx, target, guided.cases, [result]) };
}

function mergePasses(a: FuzzPass, b: FuzzPass): FuzzPass {
  const incomplete = [a.incomplete, b.incomplete].filter((i) => i !== null).join('; ');
  return {
    failures: [...a.failures, ...b.failures],
    executed: a.executed + b.executed,
    loadError: a.loadError ?? b.loadError,
    incomplete: incomplete === '' ? null : incomplete.slice(0, 2_000),
    stubbed: [...new Set([...a.stubbed, ...b.stubbed])].sort(),
    kernelWatch: combinedKernelWatch([a.kernelWatch, b.kernelWatch]),
    coverage: {
      coverable: [...new Set([...a.coverage.coverable, ...b.coverage.coverable])].sort((x, y) => x - y),
      reached: { ...a.coverage.reached, ...b.coverage.reached },
    },
    returned: { ...a.returned, ...b.returned },
  };
}

/** Even batches, each within maxBatchChars of JSON (runs from before that bound keep the even ones). */
function batchesOf(cases: FuzzCase[], batchSize: number): FuzzCase[][] {
  const even = splitBatches(cases, batchSize, Number.POSITIVE_INFINITY);
  const bounded = splitBatches(cases, batchSize, SANDBOX_LIMITS.maxBatchChars);
  return bounded.length === even.length || !hasPatch('batches-bounded-by-size') ? even : bounded;
}

/** What the sandbox needs of the target, for a batch or a pass. */
function batchTarget(code: string, target: FuzzPlan['target'], timeoutMsPerInput: number, label: string, coverage: boolean) {
  const { function: fn, entry } = target;
  return {
    code,
    function: fn,
    entry,
    params: target.params.map((p) => p.name),
    roles: target.params.map((p) => p.role),
    timeoutMsPerInput,
    label: `${workflowInfo().workflowId}/${label}`,
    coverage,
  };
}

/** Runs the whole corpus against `code`, in batches, each in its own container. */
export async function runCorpus(ctx: RunContext, code: string, plan: FuzzPlan, label: string, coverage = false): Promise<FuzzPass> {
  const { ledger, request } = ctx;
  const { cases, target } = plan;
  const { batchSize, timeoutMsPerInput } = request.fuzz;
  const batches = batchesOf(cases, batchSize);
  const pending = batches.map((batch, i) => {
    const action = `${label} batch ${i + 1}/${batches.length}`;
    return ledger.step({
      agent: 'sandbox',
      action,
      summary: `${action}: ${batch.length} inputs`,
      activity: sandboxActivities(sandboxActivityTimeoutMs(batch.length, timeoutMsPerInput)).runFuzzBatch,
      args: [{ ...batchTarget(code, target, timeoutMsPerInput, label, coverage), cases: batch }],
      // Results recorded before stand-ins and coverage read with none.
      result: RunBatchResultSchema,
      describe: (r) => (r.loadError ? `code failed to load: ${r.loadError}` : describeFailures(r.outcomes.map((o) => o.outcome))),
    });
  });
  // A failed or cancelled batch ends the run only once its sibling batches have stopped too, so
  // no container outlives the run. Runs recorded before this change failed at the first one.
  if (hasPatch('settle-fuzz-batches')) {
    const settled = await Promise.allSettled(pending);
    const rejected = settled.find((r) => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }
  return foldResults(ctx, target, cases, await Promise.all(pending));
}

/** One pass from the sandbox's results for `cases`: failures, coverage, what each input returned. */
function foldResults(ctx: RunContext, target: FuzzPlan['target'], cases: FuzzCase[], results: RunBatchResult[]): FuzzPass {
  const { entry } = target;
  const byId = new Map(cases.map((c) => [c.id, c]));
  const failures: FuzzFailure[] = [];
  let executed = 0;
  const reached: Record<string, number[]> = {};
  const returned: Record<string, string> = {};
  for (const r of results) {
    for (const o of r.outcomes) {
      const input = byId.get(o.id);
      // Lines steer mutation and sum up into coverage; failures are kept without them.
      const { lines, ...outcome } = o.outcome;
      if (lines) reached[o.id] = lines;
      if (outcome.status === 'ok' && outcome.events.length === 0) returned[o.id] = outcome.returned;
      if (input && isFailure(outcome)) failures.push({ kind: failureKind(outcome, input.args, target.params, entry), input, outcome });
    }
    executed += r.outcomes.filter((o) => o.outcome.status !== 'not-run').length;
  }
  ctx.ledger.progress.fuzzExecutions += executed;
  // Results recorded before the harness reported completeness carry no `incomplete`.
  const incomplete = results.flatMap((r, i) => (r.incomplete ? [`batch ${i + 1}/${results.length}: ${r.incomplete}`] : []));
  return {
    failures,
    executed,
    loadError: results.find((r) => r.loadError !== null)?.loadError ?? null,
    incomplete: incomplete.length > 0 ? incomplete.join('; ').slice(0, 2_000) : null,
    stubbed: [...new Set(results.flatMap((r) => r.stubbed))].sort(),
    kernelWatch: combinedKernelWatch(results.map((r) => r.kernelWatch)),
    coverage: { coverable: [...new Set(results.flatMap((r) => r.coverable))].sort((x, y) => x - y), reached },
    returned,
  };
}
