import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { parseBatchFile } from '../src/client/batch-input.js';
import { startHarden } from '../src/client/client.js';
import { behaviourTests } from '../src/client/tests-input.js';
import { answer, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { AVERAGE_FRAGILE, AVERAGE_ROBUST } from './support/scenarios.js';
import { scriptedSuite } from './support/stack.js';

/** Behaviour tests in the loop, on real parts (Temporal, workers, Bandit, Semgrep, containers) with a scripted model. */

const ECHO_TASK = `import subprocess

def shout(text):
    '''Return text in upper case, as the system's tr command writes it.'''
`;

const ECHO_INSECURE = `import subprocess

def shout(text):
    '''Return text in upper case, as the system's tr command writes it.'''
    return subprocess.check_output("echo " + text + " | tr a-z A-Z", shell=True).decode().strip()
`;

/** Closes the shell injection and loses the feature: nobody would merge it. */
const ECHO_BROKEN = `def shout(text):
    '''Return text in upper case, as the system's tr command writes it.'''
    return ""
`;

const ECHO_SECURE = `def shout(text):
    '''Return text in upper case, as the system's tr command writes it.'''
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    return text.upper().strip()
`;

const ECHO_TESTS = `def test_upper():
    assert shout("hello") == "HELLO"


def test_words():
    assert shout("two words") == "TWO WORDS"
`;

/** Repairs the fuzz crash by answering 0.0 for everything: the check that passed now fails. */
const AVERAGE_BROKEN = `def average_word_length(text):
    '''Return the average length of the words in text.'''
    return 0.0
`;

const AVERAGE_CHECK = `def check(candidate):
    assert candidate("a bb ccc") == 2.0
    assert candidate("hello") == 5.0
`;

const REFUSED = 'Your previous repair was refused';

const RATIO_FRAGILE = `def ratio(a, b):
    '''Return a / b with two decimals.'''
    return "%.2f" % (a / b)
`;

/** Mends the division by zero and quietly changes every other result: "0.50" becomes "0.5". */
const RATIO_CHANGED = `def ratio(a, b):
    '''Return a / b with two decimals.'''
    if b == 0:
        return "inf"
    return str(round(a / b, 2))
`;

const RATIO_KEPT = `def ratio(a, b):
    '''Return a / b with two decimals.'''
    if b == 0:
        raise ValueError("b must not be zero")
    return "%.2f" % (a / b)
`;

function model(req: ChatRequest): Reply {
  switch (req.agent) {
    case 'coding':
      if (req.user.includes('def ratio(')) return answer.code(req.user.includes('changed what the code does') ? RATIO_KEPT : RATIO_CHANGED);
      if (req.user.includes('shout'))
        return answer.code(req.user.includes(REFUSED) ? ECHO_SECURE : req.user.includes('CWE-78') ? ECHO_BROKEN : ECHO_INSECURE);
      return answer.code(
        req.user.includes(REFUSED) ? AVERAGE_ROBUST : req.user.includes('ZeroDivisionError') ? AVERAGE_BROKEN : AVERAGE_FRAGILE,
      );
    case 'static-analyser':
      return answer.findings([]);
    case 'fuzzing':
      if (req.user.includes('def ratio('))
        return answer.seeds(
          'ratio',
          [
            { name: 'a', type: 'int' },
            { name: 'b', type: 'int' },
          ],
          [
            [1, 2],
            [10, 4],
          ],
        );
      return req.user.includes('average_word_length')
        ? answer.seeds('average_word_length', [{ name: 'text', type: 'str' }], [['hello world'], ['a bb ccc']])
        : answer.seeds('shout', [{ name: 'text', type: 'str' }], [['hello'], ['two words']]);
    default:
      return { status: 400 };
  }
}

describe('behaviour tests keep repairs working', () => {
  const suite = scriptedSuite(model);
  const llm = { model: 'scripted-model' };

  it('a static repair that breaks a passing test is refused and shown the test; the next repair is kept', async () => {
    suite.llm.script(model);
    const result = await suite.harden(
      { prompt: ECHO_TASK, source: 'shout.py', llm, tests: { style: 'functions', source: ECHO_TESTS } },
      'behaviour-static',
    );
    assert.equal(result.initialCode, ECHO_INSECURE);
    assert.deepEqual(result.tests?.before, { passed: ['test_upper', 'test_words'], failed: [] }, 'the first code passes both tests');
    const [first, second] = result.staticRounds;
    assert.equal(first?.repaired, false, 'the breaking repair is not kept');
    assert.deepEqual(
      first?.brokenTests.map((t) => t.name),
      ['test_upper', 'test_words'],
    );
    assert.match(first?.brokenTests[0]?.message ?? '', /AssertionError: failed at line 2 of the tests: assert shout\("hello"\) == "HELLO"/);
    assert.equal(second?.repaired, true);
    assert.equal(result.finalCode, ECHO_SECURE);
    assert.deepEqual(result.tests?.after, { passed: ['test_upper', 'test_words'], failed: [] });
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    assert.ok(
      result.reasons.includes('behaviour tests: 2/2 passed with the first code, 2/2 passed with the final code'),
      result.reasons.join('; '),
    );
    // The repair after the refused one was told which tests broke and why.
    const repairs = suite.llm.requests.filter((r) => r.agent === 'coding' && r.user.includes('shout'));
    const told = repairs.find((r) => r.user.includes(REFUSED));
    assert.ok(told, 'no repair request named the broken tests');
    assert.match(told.user, /- test_upper: AssertionError: failed at line 2 of the tests/);
    assert.ok(
      result.steps.some((s) => s.agent === 'sandbox' && s.summary === 'static round 1 repair: behaviour tests: 0/2 passed'),
      result.steps.map((s) => s.summary).join('\n'),
    );
  });

  it("a fuzz repair that breaks HumanEval's check is rejected; the next one is accepted", async () => {
    suite.llm.script(model);
    const tests = { style: 'check' as const, source: AVERAGE_CHECK, entryPoint: 'average_word_length' };
    const result = await suite.harden({ code: AVERAGE_FRAGILE, source: 'average.py', llm, tests }, 'behaviour-fuzz');
    const [broken, kept] = result.fuzz.repairRounds;
    assert.equal(broken?.accepted, false);
    assert.equal(broken?.brokenTests[0]?.name, 'check');
    assert.match(
      broken?.brokenTests[0]?.message ?? '',
      /AssertionError: failed at line 2 of the tests: assert candidate\("a bb ccc"\) == 2\.0/,
    );
    assert.deepEqual(broken?.candidateFailures, [], 'the broken candidate fails no fuzz input: the tests alone refuse it');
    assert.equal(kept?.accepted, true);
    assert.deepEqual(kept?.brokenTests, []);
    assert.equal(result.finalCode, AVERAGE_ROBUST);
    assert.deepEqual(result.tests, { style: 'check', before: { passed: ['check'], failed: [] }, after: { passed: ['check'], failed: [] } });
  });

  it('without tests, a repair that changes what the code returned for handled inputs is refused; the next is kept', async () => {
    suite.llm.script(model);
    const result = await suite.harden({ code: RATIO_FRAGILE, source: 'ratio.py', llm }, 'behaviour-differential');
    const [changed, kept] = result.fuzz.repairRounds;
    assert.equal(changed?.accepted, false);
    assert.deepEqual(
      changed?.candidateFailures.filter((f) => f.kind !== 'contract'),
      [],
      'the changed candidate fails no input within the types: only the differential check refuses it',
    );
    assert.ok(
      changed?.changedReturns.some((c) => c.input === 'ratio(1, 2)' && c.before === "returns '0.50'" && c.after === "returns '0.5'"),
      JSON.stringify(changed?.changedReturns.slice(0, 3)),
    );
    assert.equal(kept?.accepted, true);
    assert.deepEqual(kept?.changedReturns, []);
    assert.equal(result.finalCode, RATIO_KEPT);
    const told = suite.llm.requests.find((r) => r.agent === 'coding' && r.user.includes('changed what the code does'));
    assert.match(told?.user ?? '', /- ratio\(1, 2\): returns '0\.50' before, returns '0\.5' with your repair/);
  });

  it('tests that do not parse end the run before any agent works, naming the line', async () => {
    suite.llm.script(model);
    const before = suite.llm.requests.length;
    const id = 'behaviour-unparsable';
    await startHarden(
      suite.stack.testEnv.client,
      { code: AVERAGE_FRAGILE, source: 'average.py', llm, tests: { style: 'functions', source: 'def test_x(:\n    pass\n' } },
      id,
    );
    await assert.rejects(suite.stack.testEnv.client.workflow.getHandle(id).result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(error.cause?.message ?? '', /^the behaviour tests do not parse: invalid syntax at line 1; fix the tests file/);
      return true;
    });
    assert.equal(suite.llm.requests.length, before, 'no model call was paid for');
  });

  it('tests that cannot serve the code are refused before the run starts', async () => {
    const client = suite.stack.testEnv.client;
    const refused = [
      [
        { style: 'check' as const, source: AVERAGE_CHECK, entryPoint: 'mean_length' },
        /tests: name a function the code defines as the entry point: the code has no def mean_length/,
      ],
      [
        { style: 'check' as const, source: 'assert True\n', entryPoint: 'average_word_length' },
        /tests: define check\(candidate\), as HumanEval tests do, or top-level test functions/,
      ],
      [{ style: 'functions' as const, source: 'x = 1\n' }, /tests: define at least one top-level test function/],
      [{ style: 'doctest' as const }, /tests: the code has no docstring examples/],
    ] as const;
    for (const [i, [tests, message]] of refused.entries()) {
      await assert.rejects(
        startHarden(client, { code: AVERAGE_FRAGILE, source: 'average.py', llm, tests }, `behaviour-refused-${i}`),
        message,
      );
      await assert.rejects(client.workflow.getHandle(`behaviour-refused-${i}`).describe(), /not found/i);
    }
  });

  it('an audit runs docstring examples as tests, one per function, and repairs nothing', async () => {
    const code = `def double(x):
    '''
    >>> double(2)
    4
    '''
    return x * 2


def half(x):
    '''
    >>> half(3)
    1
    '''
    return x / 2
`;
    const result = await suite.harden({ code, source: 'numbers.py', llm: null, tests: { style: 'doctest' } }, 'behaviour-doctest');
    assert.deepEqual(result.tests?.before.passed, ['doctest:double']);
    assert.equal(result.tests?.before.failed[0]?.name, 'doctest:half');
    assert.match(result.tests?.before.failed[0]?.message ?? '', /Failed example:\s+half\(3\)\s+Expected:\s+1\s+Got:\s+1\.5/);
    assert.deepEqual(result.tests?.after, result.tests?.before);
  });
});

describe('behaviour tests as users give them', () => {
  it('a HumanEval line becomes a task whose check runs against its entry point', () => {
    const line = JSON.stringify({
      task_id: 'HumanEval/0',
      prompt: 'def add(a, b):\n    """Add."""\n',
      test: AVERAGE_CHECK.replace('average_word_length', 'add'),
      entry_point: 'add',
    });
    const { tasks, skipped } = parseBatchFile(`${line}\n`, 'prompt');
    assert.deepEqual(skipped, []);
    assert.deepEqual(tasks[0]?.tests, { style: 'check', source: AVERAGE_CHECK.replace('average_word_length', 'add'), entryPoint: 'add' });
    assert.equal(tasks[0]?.id, 'HumanEval/0');
  });

  it('a line whose entry point the code does not define is skipped, saying why', () => {
    const line = JSON.stringify({ id: 't1', code: AVERAGE_FRAGILE, test: AVERAGE_CHECK, entry_point: 'mean' });
    const { tasks, skipped } = parseBatchFile(`${line}\n`, 'code');
    assert.deepEqual(tasks, []);
    assert.match(skipped[0]?.reason ?? '', /^task t1: tests name a function the code defines as the entry point: the code has no def mean/);
  });

  it('a tests file is read as test functions, a HumanEval check, or "doctest"', () => {
    assert.deepEqual(behaviourTests(ECHO_TESTS, undefined, ECHO_TASK), { style: 'functions', source: ECHO_TESTS });
    assert.deepEqual(behaviourTests(AVERAGE_CHECK, undefined, AVERAGE_FRAGILE), {
      style: 'check',
      source: AVERAGE_CHECK,
      entryPoint: 'average_word_length',
    });
    assert.deepEqual(behaviourTests('doctest\n', undefined, AVERAGE_FRAGILE), { style: 'doctest' });
  });
});
