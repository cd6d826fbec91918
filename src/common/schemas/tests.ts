import { z } from 'zod';

// ---- behaviour tests ----

const IdentifierSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a Python identifier');
/** Kept as given (not trimmed): failures name lines of it. */
const TestsSourceSchema = z.string().refine((s) => s.trim().length > 0, 'is empty');

/**
 * The behaviour a repair must keep: HumanEval's `check(candidate)` called with the entry point,
 * test functions of the tests' own (`def test_x():` with asserts, pytest style), or the doctest
 * examples in the code's docstrings. They run in the sandbox, isolated as fuzzing is.
 */
export const BehaviourTestsSchema = z.discriminatedUnion('style', [
  z.object({
    style: z.literal('check'),
    source: TestsSourceSchema,
    entryPoint: IdentifierSchema.describe('the function check(candidate) is called with'),
  }),
  z.object({ style: z.literal('functions'), source: TestsSourceSchema }),
  z.object({ style: z.literal('doctest') }),
]);
export type BehaviourTests = z.infer<typeof BehaviourTestsSchema>;

export const TestFailureSchema = z.object({ name: z.string(), message: z.string() });
export type TestFailure = z.infer<typeof TestFailureSchema>;

/** One run of the behaviour tests against one version of the code. */
export const TestRunSchema = z.object({
  passed: z.array(z.string()),
  failed: z.array(TestFailureSchema),
});
export type TestRun = z.infer<typeof TestRunSchema>;

const defines = (source: string, name: string) => new RegExp(`^\\s*(async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(source);

/** The test functions of a tests source, by name: its top-level `def test…(`. */
export function testFunctionNames(source: string): string[] {
  return [...source.matchAll(/^def\s+(test\w*)\s*\(/gm)].map((m) => m[1] ?? '').filter((n) => n.length > 0);
}

/** What makes tests unusable for this code (the prompt or code as given), or null. */
export function testsProblem(tests: BehaviourTests, text: string): string | null {
  switch (tests.style) {
    case 'check':
      if (!defines(tests.source, 'check'))
        return 'define check(candidate), as HumanEval tests do, or top-level test functions (def test_...():)';
      return defines(text, tests.entryPoint)
        ? null
        : `name a function the code defines as the entry point: the code has no def ${tests.entryPoint}(...)`;
    case 'functions':
      return testFunctionNames(tests.source).length > 0 ? null : 'define at least one top-level test function (def test_...():)';
    case 'doctest':
      return text.includes('>>>') ? null : 'the code has no docstring examples (>>> lines) to run as tests';
  }
}
