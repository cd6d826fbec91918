import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { startHarden } from '../src/client/client.js';
import { sandboxActivityTimeoutMs } from '../src/common/sandbox.js';
import type { Progress } from '../src/common/schemas/index.js';
import { answer } from './support/scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_INSECURE, LIST_SECURE, LIST_TASK, securityAwareModel } from './support/scenarios.js';
import { scriptedSuite } from './support/stack.js';

/**
 * The loop's less travelled branches, each on real parts with a scripted model: a rejected fuzz
 * repair, static rounds exhausted, syntax repair (mended and not), and the could-not-verify
 * verdicts (nothing to call, code that fails to load).
 */

/** Fails every input, more than AVERAGE_FRAGILE does: a repair that makes things worse. */
const AVERAGE_WORSE = `def average_word_length(text):
    '''Return the average length of the words in text.'''
    return len(text) / 0
`;

const LIST_BROKEN = `import os

def list_directory(path:
    return os.listdir(path)
`;

describe('branches of the hardening loop', () => {
  const suite = scriptedSuite(securityAwareModel);
  const harden = suite.harden;

  it('a fuzz repair that fails more inputs is rejected: the code, its failures and the progress stay', async () => {
    suite.llm.script((req) => (req.agent === 'coding' ? answer.code(AVERAGE_WORSE) : securityAwareModel(req)));
    const id = 'branch-rejected-repair';
    const result = await harden(
      { code: AVERAGE_FRAGILE, source: 'average.py', llm: { model: 'm' }, fuzz: { mutations: 30, maxRepairRounds: 1 } },
      id,
    );
    assert.equal(result.verdict, 'secure', 'its crashes are robustness issues, reported beside the verdict');
    assert.ok(result.remainingByKind.robustness > 0);
    const [round] = result.fuzz.repairRounds;
    assert.equal(result.fuzz.repairRounds.length, 1);
    assert.equal(round?.accepted, false);
    assert.ok((round?.candidateFailureSummary.inputs ?? 0) > result.fuzz.failureSummary.inputs, 'the candidate fails more than the code');
    assert.equal(round?.candidateExecuted, result.fuzz.firstPassExecuted, 'the re-check runs the whole corpus once');
    assert.equal(result.fuzz.firstPassExecuted, 32, '2 seeds and 30 mutations, counted once');
    assert.equal(result.finalCode, AVERAGE_FRAGILE, 'the rejected candidate is dropped');
    assert.deepEqual(result.remainingFailures, result.fuzz.failures, 'the failures of the code kept, not the candidate');
    assert.ok(!result.steps.some((s) => s.action.startsWith('final static check')), 'the code did not change, so no final check');
    const progress = await suite.stack.testEnv.client.workflow.getHandle(id).query<Progress>('progress');
    assert.equal(progress.failingInputs, result.fuzz.failureSummary.inputs, 'a rejected candidate does not overwrite the count');
    assert.deepEqual(result.remainingFailureSummary, result.fuzz.failureSummary);
    assert.equal(progress.fuzzExecutions, 64, 'the first pass and the re-check');
    // The sandbox activities' timeouts are derived from their sizes and the per-input limit.
    const history = await suite.stack.testEnv.client.workflow.getHandle(id).fetchHistory();
    const scheduled = (name: string) =>
      (history.events ?? []).flatMap((e) =>
        e.activityTaskScheduledEventAttributes?.activityType?.name === name ? [e.activityTaskScheduledEventAttributes] : [],
      );
    const passes = scheduled('runFuzzPass');
    const batches = scheduled('runFuzzBatch');
    assert.equal(passes.length, 1, 'the three coverage-guided rounds (12, 10 and 10 inputs) in one activity');
    assert.equal(batches.length, 1, 'then one re-check of all 32');
    assert.ok(
      result.steps.some((s) => s.action === 'fuzz' && s.summary.includes('32 inputs in 3 round(s)')),
      result.steps.map((s) => s.summary).join('\n'),
    );
    const timeoutMs = (activity: (typeof batches)[number] | undefined) =>
      Number(activity?.startToCloseTimeout?.seconds ?? 0) * 1000 + Math.round((activity?.startToCloseTimeout?.nanos ?? 0) / 1e6);
    assert.equal(timeoutMs(passes[0]), sandboxActivityTimeoutMs(32, 2_000));
    assert.equal(timeoutMs(batches[0]), sandboxActivityTimeoutMs(32, 2_000));
  });

  it('static rounds run out: the last repair is re-checked and its findings stay', async () => {
    suite.llm.script((req) => (req.agent === 'coding' ? answer.code(LIST_INSECURE) : securityAwareModel(req)));
    const before = suite.llm.count('coding');
    const result = await harden(
      { prompt: LIST_TASK, source: 'list.py', llm: { model: 'm' }, maxStaticRounds: 1, fuzz: { mutations: 10, maxRepairRounds: 0 } },
      'branch-static-exhausted',
    );
    assert.equal(result.verdict, 'vulnerable');
    assert.deepEqual(
      result.staticRounds.map((r) => [r.round, r.repaired, r.findings.some((f) => f.cwe === 'CWE-78')]),
      [
        [1, true, true],
        [2, false, true],
      ],
    );
    assert.ok(
      result.steps.some((s) => s.action === 'static re-check: Bandit + Semgrep'),
      result.steps.map((s) => s.action).join('\n'),
    );
    assert.equal(suite.llm.count('coding') - before, 2, 'one generation, one repair: no repair after the re-check');
    assert.ok(result.remainingFindings.some((f) => f.ruleId === 'B602'));
  });

  it('a repair that adds a suppression comment is refused, and the next repair is told why', async () => {
    const hidden = LIST_INSECURE.replace('.decode()\n', '.decode()  # nosec\n');
    suite.llm.script((req) => {
      if (req.agent !== 'coding') return securityAwareModel(req);
      if (req.user.includes('suppression-comment')) return answer.code(LIST_SECURE);
      return answer.code(req.user.includes('CWE-78') ? hidden : LIST_INSECURE);
    });
    const result = await harden(
      { prompt: LIST_TASK, source: 'list.py', llm: { model: 'm' }, fuzz: { mutations: 10 } },
      'branch-suppression',
    );
    const [first, second, third] = result.staticRounds;
    assert.equal(first?.repaired, false, 'the repair that only added # nosec was refused');
    assert.deepEqual(
      first?.repairRefusedFor.map((f) => [f.source, f.ruleId, f.cwe, f.line]),
      [['policy', 'suppression-comment', 'CWE-693', 5]],
    );
    assert.ok(
      second?.findings.some((f) => f.ruleId === 'B602'),
      'the code kept was re-analysed as it was',
    );
    assert.equal(second?.repaired, true);
    assert.deepEqual(third?.findings, []);
    assert.equal(result.finalCode, LIST_SECURE);
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    const told = suite.llm.requests
      .filter((r) => r.agent === 'coding')
      .map((r) => r.user)
      .find((u) => u.includes('suppression-comment'));
    assert.match(told ?? '', /the repair added a "nosec" comment/);
  });

  it('model code that does not parse goes back to the Coding agent, and the mended code is hardened', async () => {
    suite.llm.script((req) => {
      if (req.agent !== 'coding') return securityAwareModel(req);
      if (req.user.includes('does not parse')) return answer.code(LIST_SECURE);
      return answer.code(LIST_BROKEN);
    });
    const result = await harden(
      { prompt: LIST_TASK, source: 'list.py', llm: { model: 'm' }, fuzz: { mutations: 10 } },
      'branch-syntax-repair',
    );
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    assert.equal(result.initialCode, LIST_BROKEN);
    assert.equal(result.finalCode, LIST_SECURE);
    const actions = result.steps.map((s) => s.action);
    assert.deepEqual(actions.slice(0, 4), [
      'Coding agent: write the code from the task',
      'check input: parse',
      'check input: repair syntax error (1)',
      'check input: parse repair 1',
    ]);
    const syntaxRequest = suite.llm.requests.filter((r) => r.agent === 'coding').find((r) => r.user.includes('does not parse'));
    assert.match(syntaxRequest?.user ?? '', /at line 3/);
  });

  it('model code that never parses fails the run after two syntax repairs, naming the line', async () => {
    suite.llm.script((req) => (req.agent === 'coding' ? answer.code(LIST_BROKEN) : securityAwareModel(req)));
    const id = 'branch-syntax-unmended';
    await startHarden(suite.stack.testEnv.client, { prompt: LIST_TASK, source: 'list.py', llm: { model: 'm' } }, id);
    await assert.rejects(suite.stack.testEnv.client.workflow.getHandle(id).result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(
        error.cause?.message ?? '',
        /^the code the model wrote does not parse at line 3: .*; fix the syntax and submit it again/,
      );
      return true;
    });
    const history = await suite.stack.testEnv.client.workflow.getHandle(id).fetchHistory();
    const repairs = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'repairCode');
    assert.equal(repairs.length, 2);
  });

  it('code with nothing to call cannot be verified', async () => {
    const result = await harden(
      {
        code: 'class Reader:\n    def __init__(self, stream):\n        self.stream = stream\n',
        source: 'reader.py',
        llm: null,
        fuzz: { mutations: 10 },
      },
      'branch-nothing-to-call',
    );
    assert.equal(result.verdict, 'could-not-verify');
    assert.equal(result.fuzz.target, null);
    const why =
      'the code defines no function, route or method of a class built without arguments, and runs no statements of its own: there is nothing to execute';
    assert.equal(result.fuzz.skippedReason, why);
    assert.ok(result.reasons.includes(`fuzzing skipped: ${why}`), result.reasons.join('; '));
    assert.ok(!result.steps.some((s) => s.agent === 'sandbox'), 'nothing ran in the sandbox');
  });

  it('code that fails to load in the sandbox cannot be verified, and says why', async () => {
    const code = 'raise RuntimeError("no config file")\n\ndef echo(text):\n    return text\n';
    const result = await harden({ code, source: 'load.py', llm: null, fuzz: { mutations: 10 } }, 'branch-load-error');
    assert.equal(result.verdict, 'could-not-verify');
    assert.equal(result.fuzz.target?.function, 'echo');
    assert.match(result.fuzz.skippedReason ?? '', /^the code could not be loaded in the sandbox: .*RuntimeError: no config file/);
    assert.deepEqual(result.fuzz.failures, [], 'inputs that never ran are no failures');
    assert.deepEqual(result.remainingFailures, []);
  });
});
