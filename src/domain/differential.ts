import { renderFuzzValue } from '../common/fuzz-value.js';
import type { ReturnChange } from '../common/schemas/index.js';
import { withinContract } from './findings.js';
import type { FuzzPass, FuzzPlan } from './fuzz-pass.js';

/** Object reprs carry memory addresses that differ from run to run: they are no change of behaviour. */
const ADDRESS = /\b0x[0-9a-fA-F]+\b/g;
const same = (a: string, b: string) => a === b || a.replace(ADDRESS, '0x') === b.replace(ADDRESS, '0x');

/**
 * The differential check, for runs without behaviour tests: on the inputs within the parameter
 * types where the code before a repair returned normally with no security event, the candidate
 * must return an equal value (rejecting a wrong-typed input it used to accept is validation, not
 * a change of behaviour). Returns every input where it does not.
 */
export function changedReturns(plan: FuzzPlan, before: Record<string, string>, candidate: FuzzPass): ReturnChange[] {
  const cases = new Map(plan.cases.map((c) => [c.id, c]));
  const failed = new Map(candidate.failures.map((f) => [f.input.id, f.outcome]));
  const { target } = plan;
  const changes: ReturnChange[] = [];
  for (const [id, returned] of Object.entries(before)) {
    const input = cases.get(id);
    if (!input || !(target.entry === 'route' || withinContract(input.args, target.params))) continue;
    const now = candidate.returned[id];
    if (now !== undefined && same(returned, now)) continue;
    const outcome = failed.get(id);
    const after =
      now !== undefined
        ? `returns ${now}`
        : outcome?.status === 'exception'
          ? `raises ${outcome.exceptionType}: ${outcome.message}`
          : outcome
            ? `ends with ${outcome.status}`
            : 'no longer returns normally (it rejects the input, or a security oracle fires)';
    changes.push({
      input: `${target.function}(${input.args.map((a) => renderFuzzValue(a, 80)).join(', ')})`,
      before: `returns ${returned}`,
      after,
    });
  }
  return changes;
}
