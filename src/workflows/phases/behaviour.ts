import { RunBatchResultSchema, sandboxActivityTimeoutMs, type FuzzOutcome } from '../../common/sandbox.js';
import { testFunctionNames, type BehaviourTests, type TestFailure, type TestRun } from '../../common/schemas/index.js';
import { BEHAVIOUR_TEST_TIMEOUT_MS } from '../../common/timeouts.js';
import { failure } from '../../common/failures.js';
import { sandboxActivities } from '../proxies.js';
import type { RunContext } from '../run-context.js';
import { parse } from './parse.js';

/**
 * The behaviour tests as the loop uses them: run against the first code to learn which pass,
 * then against every candidate repair. A candidate that fails a test the first code passed is
 * refused, and the Coding agent is shown the test and its message.
 */
export interface BehaviourGate {
  tests: BehaviourTests;
  /** Which tests the first code passes and fails. */
  baseline: TestRun;
  run(code: string, label: string): Promise<TestRun>;
  /** Tests the first code passed that this run fails. */
  broken(run: TestRun): TestFailure[];
}

/** Top-level functions whose docstrings hold examples (`>>>`): each one's examples are a test. */
function doctestNames(code: string): string[] {
  const starts = [...code.matchAll(/^(?:async\s+)?def\s+(\w+)\s*\(|^class\s|^\S/gm)];
  const names: string[] = [];
  for (const [i, start] of starts.entries()) {
    const name = start[1];
    if (name === undefined) continue;
    const end = starts[i + 1]?.index ?? code.length;
    if (code.slice(start.index, end).includes('>>>')) names.push(`doctest:${name}`);
  }
  return names;
}

function testNames(tests: BehaviourTests, code: string): string[] {
  switch (tests.style) {
    case 'check':
      return ['check'];
    case 'functions':
      return testFunctionNames(tests.source);
    case 'doctest':
      return doctestNames(code);
  }
}

/** Tests that are not Python end the run before any agent works on it. */
export async function checkTestsParse(ctx: RunContext): Promise<void> {
  const { tests } = ctx.request;
  if (tests === null || tests.style === 'doctest') return;
  const info = await parse(ctx, tests.source, 'behaviour tests: parse');
  if (info.syntaxError) {
    throw failure(
      'BadRequest',
      `the behaviour tests do not parse: ${info.syntaxError.message}${info.syntaxError.line !== null ? ` at line ${info.syntaxError.line}` : ''}; fix the tests file and start the run again`,
    );
  }
}

/** Runs the behaviour tests (if the request has any) against the first code; null without tests. */
export async function behaviourBaseline(ctx: RunContext, code: string): Promise<BehaviourGate | null> {
  const { tests } = ctx.request;
  if (tests === null) return null;
  // The names are fixed by the first code: a doctest whose function a repair removed fails.
  const names = testNames(tests, code);
  const run = async (candidate: string, label: string): Promise<TestRun> => {
    if (names.length === 0) return { passed: [], failed: [] };
    const result = await ctx.ledger.step({
      agent: 'sandbox',
      action: `${label}: behaviour tests`,
      activity: sandboxActivities(sandboxActivityTimeoutMs(names.length, BEHAVIOUR_TEST_TIMEOUT_MS)).runFuzzBatch,
      args: [
        {
          code: candidate,
          function: tests.style === 'check' ? tests.entryPoint : '',
          entry: 'test' as const,
          tests: tests.style === 'doctest' ? '' : tests.source,
          cases: names.map((name) => ({ id: name, args: [{ type: 'str' as const, value: name }] })),
          timeoutMsPerInput: BEHAVIOUR_TEST_TIMEOUT_MS,
          label: `${ctx.request.source}: ${label}`,
        },
      ],
      result: RunBatchResultSchema,
      describe: (r) => {
        const passed = r.outcomes.filter((o) => o.outcome.status === 'ok').length;
        return r.loadError ? `the code failed to load: ${r.loadError}` : `${passed}/${names.length} passed`;
      },
    });
    const passed: string[] = [];
    const failed: TestFailure[] = [];
    for (const { id, outcome } of result.outcomes) {
      if (outcome.status === 'ok') passed.push(id);
      else failed.push({ name: id, message: result.loadError ? `the code failed to load: ${result.loadError}` : describeOutcome(outcome) });
    }
    return { passed, failed };
  };
  const baseline = await run(code, 'first code');
  return {
    tests,
    baseline,
    run,
    broken: (later) => later.failed.filter((f) => baseline.passed.includes(f.name)),
  };
}

/** Why a test failed, in a line the Coding agent and the report can show. */
function describeOutcome(outcome: FuzzOutcome): string {
  switch (outcome.status) {
    case 'ok':
      return 'passed';
    case 'rejected':
    case 'exception':
      return `${outcome.exceptionType}: ${outcome.message}`;
    case 'timeout':
      return `ran past its ${BEHAVIOUR_TEST_TIMEOUT_MS / 1000} s limit`;
    case 'killed':
      return `killed by signal ${outcome.signal}`;
    case 'exited':
      return `the process exited with code ${outcome.exitCode}`;
    case 'not-run':
      return `did not run: ${outcome.reason}`;
  }
}
