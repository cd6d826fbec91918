import { patched, workflowInfo } from '@temporalio/workflow';
import { SANDBOX_LIMITS, sandboxActivityTimeoutMs, type FuzzCase } from '../../common/sandbox.js';
import type { FunctionInfo, FuzzFailure, FuzzTarget, TargetParam } from '../../common/schemas.js';
import { describeFailures, failureKind, isFailure } from '../findings.js';
import { deriveInputs } from '../mutate.js';
import { classifyParams } from '../param-roles.js';
import { fuzzableFunctions } from '../signature-seeds.js';
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
}

export interface FirstPass {
  plan: FuzzPlan | null;
  /** Why the code could not be fuzzed (nothing to call, or it failed to load). */
  skippedReason: string | null;
  pass: FuzzPass;
}

const EMPTY_PASS: FuzzPass = { failures: [], executed: 0, loadError: null, incomplete: null };

function whyNothingToFuzz(functions: FunctionInfo[]): string {
  if (functions.some((f) => f.route !== null)) return 'its route handlers read no request parameters, so there is no input to fuzz';
  if (functions.some((f) => f.decorators.length > 0)) return 'the code has only decorated functions that are not Flask routes, which cannot be called directly';
  return 'the code has no function with parameters to call';
}

/** Phase 3: the Fuzzing agent picks the target and writes seeds; mutation derives the corpus; one pass runs it. */
export async function fuzzPhase(ctx: RunContext, code: string): Promise<FirstPass> {
  const { ledger, request } = ctx;
  ledger.progress.phase = 'fuzzing';
  const info = await parse(ctx, code, 'fuzz: find the function under test');
  const candidates = fuzzableFunctions(info.functions);
  if (candidates.length === 0) return { plan: null, skippedReason: whyNothingToFuzz(info.functions), pass: EMPTY_PASS };
  const chosen = await ctx.agents.seeds(code, candidates);
  if (!chosen) return { plan: null, skippedReason: whyNothingToFuzz(info.functions), pass: EMPTY_PASS };
  const target = { ...chosen, params: classifyParams(candidates.find((f) => f.name === chosen.function), chosen) };
  // Runs started before inputs were bounded replay with the corpus they had.
  const maxChars = patched('bounded-input-size') ? SANDBOX_LIMITS.maxInputChars : Number.POSITIVE_INFINITY;
  // The fuzzer plays the attacker: trusted configuration keeps its seeded values (runs from before roles mutated every argument).
  const attacker = target.params.map((p) => p.role === 'attacker');
  const mutable = patched('finding-kinds') && attacker.some(Boolean) ? attacker : [];
  const plan: FuzzPlan = { target, cases: [...target.seeds, ...deriveInputs(target.seeds, request.fuzz.mutations, request.fuzz.seed, maxChars, mutable)] };
  const pass = await runCorpus(ctx, code, plan, 'fuzz');
  if (pass.loadError) return { plan, skippedReason: `the code could not be loaded in the sandbox: ${pass.loadError}`, pass: { ...pass, failures: [] } };
  ledger.progress.failingInputs = pass.failures.length;
  return { plan, skippedReason: null, pass };
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
export async function runCorpus(ctx: RunContext, code: string, plan: FuzzPlan, label: string): Promise<FuzzPass> {
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
      args: [{ code, function: fn, entry, params, roles, cases: batch, timeoutMsPerInput, label: runLabel }],
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
  for (const r of results) {
    for (const o of r.outcomes) {
      const input = byId.get(o.id);
      if (input && isFailure(o.outcome)) failures.push({ kind: failureKind(o.outcome, input.args, target.params, entry), input, outcome: o.outcome });
    }
    executed += r.outcomes.filter((o) => o.outcome.status !== 'not-run').length;
  }
  ledger.progress.fuzzExecutions += executed;
  // Results recorded before the harness reported completeness carry no `incomplete`.
  const incomplete = results.flatMap((r, i) => (r.incomplete ? [`batch ${i + 1}/${results.length}: ${r.incomplete}`] : []));
  return { failures, executed, loadError: results.find((r) => r.loadError !== null)?.loadError ?? null, incomplete: incomplete.length > 0 ? incomplete.join('; ').slice(0, 2_000) : null };
}
