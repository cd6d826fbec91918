import { patched, workflowInfo } from '@temporalio/workflow';
import { RunBatchResultSchema, sandboxActivityTimeoutMs, SANDBOX_LIMITS, type FuzzCase } from '../../common/sandbox.js';
import type { FunctionInfo, FuzzFailure, FuzzTarget, InspectResult, TargetParam } from '../../common/schemas.js';
import { describeFailures, failureKind, isFailure } from '../findings.js';
import { ATTACK_STRINGS, deriveInputs } from '../mutate.js';
import { classifyParams } from '../param-roles.js';
import { defaultTarget, fallbackTargets, fuzzableFunctions, seedsFromSignature } from '../signature-seeds.js';
import { sandboxActivities, type RunContext } from '../steps.js';
import { parse } from './parse.js';

/** The function under test and the corpus every pass runs: the seeds and their mutations. */
export interface FuzzPlan {
  /** The Fuzzing agent's target, its parameters classified (who sets them, what they accept). */
  target: Omit<FuzzTarget, 'params'> & { params: TargetParam[] };
  cases: FuzzCase[];
}

/** One pass of the whole corpus over one version of the code. */
export interface FuzzPass {
  failures: FuzzFailure[];
  /** Inputs that ran (an input cut off by a dying batch did not). */
  executed: number;
  loadError: string | null;
  /** Why not every input has an outcome the harness vouches for: the pass cannot clear the code. */
  incomplete: string | null;
  /** Modules the code imports that the sandbox lacks: they ran as recording stubs. */
  stubbed: string[];
  /** The lines of the target that can run, and the lines each input reached. */
  coverage: { coverable: number[]; reached: Record<string, number[]> };
  /** What each input that returned normally, with no security event, returned (its repr): the behaviour a repair must keep. */
  returned: Record<string, string>;
}

export interface FirstPass {
  plan: FuzzPlan | null;
  /** Why the code could not be fuzzed (nothing to call, or it failed to load). */
  skippedReason: string | null;
  pass: FuzzPass;
}

const EMPTY_PASS: FuzzPass = { failures: [], executed: 0, loadError: null, incomplete: null, stubbed: [], coverage: { coverable: [], reached: {} }, returned: {} };

/** Coverage-guided mutation spreads the budget over this many rounds. */
const GUIDED_ROUNDS = 3;

function whyNothingToFuzz(functions: FunctionInfo[]): string {
  if (functions.some((f) => f.route !== null)) return 'its route handlers read no request parameters, so there is no input to fuzz';
  if (functions.some((f) => f.decorators.length > 0)) return 'the code has only decorated functions that are not Flask routes, which cannot be called directly';
  if (patched('every-task-runs')) return 'the code defines no function, route or method of a class built without arguments, and runs no statements of its own: there is nothing to execute';
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
  return patched('bounded-input-size') ? SANDBOX_LIMITS.maxInputChars : Number.POSITIVE_INFINITY;
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
  if (candidates.length === 0) return patched('every-task-runs') ? fallbackAim(info) : null;
  const chosen = await ctx.agents.seeds(code, candidates);
  if (!chosen) return null;
  const target = { ...chosen, params: classifyParams(candidates.find((f) => f.name === chosen.function), chosen) };
  // Asked in the order runs recorded their patch markers: the input bound, then finding kinds.
  const maxChars = maxInputChars();
  // The fuzzer plays the attacker: trusted configuration keeps its seeded values (runs from before roles mutated every argument).
  const attacker = target.params.map((p) => p.role === 'attacker');
  return { target, mutable: patched('finding-kinds') && attacker.some(Boolean) ? attacker : [], once: false, maxChars };
}

/** Phase 3: the Fuzzing agent picks the target and writes seeds; mutation derives the corpus; one pass runs it. */
export async function fuzzPhase(ctx: RunContext, code: string): Promise<FirstPass> {
  const { ledger } = ctx;
  ledger.progress.phase = 'fuzzing';
  const info = await parse(ctx, code, 'fuzz: find the function under test');
  const aim = await aimFor(ctx, code, info);
  if (!aim) return { plan: null, skippedReason: whyNothingToFuzz(info.functions), pass: EMPTY_PASS };
  const { plan, pass } = await firstPass(ctx, code, aim);
  if (pass.loadError) return { plan, skippedReason: `the code could not be loaded in the sandbox: ${pass.loadError}`, pass: { ...pass, failures: [] } };
  ledger.progress.failingInputs = pass.failures.length;
  return { plan, skippedReason: null, pass };
}

/**
 * The seeds and their mutations, run. Guided: the budget is spent in rounds, each deriving three
 * in four inputs from the favoured inputs of the rounds before, the smallest to reach each line
 * (coverage comes back in activity results, so a replay derives the same inputs). Otherwise all
 * at once from the seeds.
 */
async function firstPass(ctx: RunContext, code: string, aim: Aim): Promise<{ plan: FuzzPlan; pass: FuzzPass }> {
  const { target, mutable, maxChars } = aim;
  if (aim.once) {
    const plan = { target, cases: target.seeds.slice(0, 1) };
    return { plan, pass: await runCorpus(ctx, code, plan, 'fuzz') };
  }
  const { mutations, seed, coverageGuided } = ctx.request.fuzz;
  // Runs from before the later oracles mutate with the first dictionary.
  const options = { maxChars, mutable, strings: patched('attack-strings') ? ATTACK_STRINGS : undefined };
  const rounds = coverageGuided && patched('coverage-guided') ? GUIDED_ROUNDS : 1;
  let cases: FuzzCase[] = [];
  let pass = EMPTY_PASS;
  // For each line, the smallest input that reached it (AFL's favoured inputs): a huge input that
  // happens to reach many lines at once does not stand in for the small steps towards them.
  const favoured = new Map<number, { input: FuzzCase; size: number }>();
  for (let round = 0; round < rounds; round++) {
    const count = Math.round((mutations * (round + 1)) / rounds) - Math.round((mutations * round) / rounds);
    const parents = [...new Set([...favoured.entries()].sort(([a], [b]) => a - b).map(([, f]) => f.input))];
    const derived = deriveInputs(target.seeds, count, seed + round, { ...options, parents, existing: cases });
    const batch = round === 0 ? [...target.seeds, ...derived] : derived;
    if (batch.length === 0) break;
    const part = await runCorpus(ctx, code, { target, cases: batch }, rounds > 1 ? `fuzz round ${round + 1}/${rounds}` : 'fuzz', rounds > 1);
    cases = [...cases, ...batch];
    pass = mergePasses(pass, part);
    // Code that fails to load, hangs or kills its runner gains nothing from another round.
    if (part.loadError || part.incomplete) break;
    for (const c of batch) {
      const size = JSON.stringify(c.args).length;
      for (const line of part.coverage.reached[c.id] ?? []) {
        const known = favoured.get(line);
        if (!known || size < known.size) favoured.set(line, { input: c, size });
      }
    }
  }
  return { plan: { target, cases }, pass };
}

function mergePasses(a: FuzzPass, b: FuzzPass): FuzzPass {
  const incomplete = [a.incomplete, b.incomplete].filter((i) => i !== null).join('; ');
  return {
    failures: [...a.failures, ...b.failures],
    executed: a.executed + b.executed,
    loadError: a.loadError ?? b.loadError,
    incomplete: incomplete === '' ? null : incomplete.slice(0, 2_000),
    stubbed: [...new Set([...a.stubbed, ...b.stubbed])].sort(),
    coverage: { coverable: [...new Set([...a.coverage.coverable, ...b.coverage.coverable])].sort((x, y) => x - y), reached: { ...a.coverage.reached, ...b.coverage.reached } },
    returned: { ...a.returned, ...b.returned },
  };
}

/**
 * Even batches (153 inputs at 50 a batch: 4 of 39, not 3 of 50 and one of 3), each split again
 * while its inputs take more than maxBatchChars of JSON, so that every batch fits its payload.
 */
function splitBatches(cases: FuzzCase[], batchSize: number): FuzzCase[][] {
  const count = Math.ceil(cases.length / batchSize);
  const size = Math.ceil(cases.length / count);
  const even: FuzzCase[][] = [];
  for (let i = 0; i < cases.length; i += size) even.push(cases.slice(i, i + size));
  const chars = (batch: FuzzCase[]) => batch.reduce((n, c) => n + JSON.stringify(c.args).length, 0);
  if (even.every((batch) => chars(batch) <= SANDBOX_LIMITS.maxBatchChars) || !patched('batches-bounded-by-size')) return even;
  const split: FuzzCase[][] = [];
  for (const batch of even) {
    let current: FuzzCase[] = [];
    let used = 0;
    for (const c of batch) {
      const n = JSON.stringify(c.args).length;
      if (current.length > 0 && used + n > SANDBOX_LIMITS.maxBatchChars) {
        split.push(current);
        current = [];
        used = 0;
      }
      current.push(c);
      used += n;
    }
    if (current.length > 0) split.push(current);
  }
  return split;
}

/** Runs the whole corpus against `code`, in batches, each in its own container. */
export async function runCorpus(ctx: RunContext, code: string, plan: FuzzPlan, label: string, coverage = false): Promise<FuzzPass> {
  const { ledger, request } = ctx;
  const { cases, target } = plan;
  const { function: fn, entry } = target;
  const params = target.params.map((p) => p.name);
  const roles = target.params.map((p) => p.role);
  const { batchSize, timeoutMsPerInput } = request.fuzz;
  const batches = splitBatches(cases, batchSize);
  const runLabel = `${workflowInfo().workflowId}/${label}`;
  const pending = batches.map((batch, i) => {
    const action = `${label} batch ${i + 1}/${batches.length}`;
    return ledger.step({
      agent: 'sandbox',
      action,
      summary: `${action}: ${batch.length} inputs`,
      activity: sandboxActivities(sandboxActivityTimeoutMs(batch.length, timeoutMsPerInput)).runFuzzBatch,
      args: [{ code, function: fn, entry, params, roles, cases: batch, timeoutMsPerInput, label: runLabel, coverage }],
      // Results recorded before stand-ins and coverage read with none.
      result: RunBatchResultSchema,
      describe: (r) => (r.loadError ? `code failed to load: ${r.loadError}` : describeFailures(r.outcomes.map((o) => o.outcome))),
    });
  });
  // A failed or cancelled batch ends the run only once its sibling batches have stopped too, so
  // no container outlives the run. Runs recorded before this change failed at the first one.
  if (patched('settle-fuzz-batches')) {
    const settled = await Promise.allSettled(pending);
    const rejected = settled.find((r) => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }
  const results = await Promise.all(pending);
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
  ledger.progress.fuzzExecutions += executed;
  // Results recorded before the harness reported completeness carry no `incomplete`.
  const incomplete = results.flatMap((r, i) => (r.incomplete ? [`batch ${i + 1}/${results.length}: ${r.incomplete}`] : []));
  return {
    failures,
    executed,
    loadError: results.find((r) => r.loadError !== null)?.loadError ?? null,
    incomplete: incomplete.length > 0 ? incomplete.join('; ').slice(0, 2_000) : null,
    stubbed: [...new Set(results.flatMap((r) => r.stubbed))].sort(),
    coverage: { coverable: [...new Set(results.flatMap((r) => r.coverable))].sort((x, y) => x - y), reached },
    returned,
  };
}
