import { testFunctionNames, type BehaviourTests } from '../common/schemas/index.js';

/**
 * Behaviour tests as a user gives them (`asc harden --tests FILE`, a batch line's `test` or
 * `tests`) in the shape a request carries: "doctest" runs the docstring examples; a source with
 * top-level test functions runs each; any other source is HumanEval's `check(candidate)`, called
 * with the entry point (given, or the code's first function). The request schema then says what
 * is wrong with them, before anything starts.
 */
export function behaviourTests(source: string, entryPoint: string | undefined, code: string): BehaviourTests {
  if (source.trim() === 'doctest') return { style: 'doctest' };
  if (testFunctionNames(source).length > 0) return { style: 'functions', source };
  return { style: 'check', source, entryPoint: entryPoint ?? /^(?:async\s+)?def\s+(\w+)\s*\(/m.exec(code)?.[1] ?? '' };
}
