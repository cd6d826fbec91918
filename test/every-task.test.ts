import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FunctionInfo, HardenResult } from '../src/common/schemas/index.js';
import { defaultTarget, fallbackTargets, fuzzableFunctions, MODULE_TARGET } from '../src/domain/signature-seeds.js';
import { scriptedSuite } from './support/stack.js';

/**
 * A dynamic test for every task, through the real workflow in audit mode (signature seeds, no
 * LLM): scripts, methods, parameterless functions and routes, and code importing a module the
 * sandbox lacks are all executed; only code with nothing to execute is skipped, saying why.
 */

const SCRIPT = `import os
import sys

for name in sys.argv[1:]:
    os.system("echo " + name)
`;

const METHOD = `import os

class Manager:
    def create_dir(self, username):
        '''Create /tmp/<username>.'''
        os.makedirs(os.path.join("/tmp", "users", username), exist_ok=True)
`;

const PARAMETERLESS = `import random

def roll():
    return random.randint(1, 6)
`;

const ROUTE_WITHOUT_PARTS = `from flask import Flask, request

app = Flask(__name__)

def query():
    return request.args.get('q', '')

@app.route('/search')
def search():
    return 'Results for ' + query()
`;

const MISSING_MODULE = `from canvasapi import Canvas

def get_courses(canvas_url):
    return Canvas(canvas_url, 'key').get_courses()
`;

const NOTHING_TO_RUN = `class Reader:
    def __init__(self, stream):
        self._stream = stream

    def read(self, n):
        return self._stream.read(n)
`;

const securityEvents = (result: HardenResult) => result.fuzz.failures.flatMap((f) => f.outcome.events.map((e) => e.cwe));

/** One stack for the file: audits need no model, so the scripted one refuses every call. */
const suite = scriptedSuite(() => ({ status: 400 }));

describe('a dynamic test for every task', () => {
  const audit = (code: string, source: string) => suite.harden({ code, source, llm: null }, `every-task-${source}`);

  it('runs a script as a program, its argv and stdin fuzzed, and finds the injection through argv', async () => {
    const result = await audit(SCRIPT, 'script.py');
    assert.equal(result.fuzz.skippedReason, null, result.reasons.join('; '));
    assert.equal(result.fuzz.target?.function, MODULE_TARGET);
    assert.equal(result.fuzz.target?.entry, 'module');
    assert.deepEqual(
      result.fuzz.target?.params.map((p) => [p.name, p.role]),
      [
        ['argv', 'attacker'],
        ['stdin', 'attacker'],
      ],
    );
    assert.ok(result.fuzz.firstPassExecuted > 1);
    assert.ok(securityEvents(result).includes('CWE-78'), JSON.stringify(result.fuzz.failureSummary));
  });

  it('fuzzes a method of a class built without arguments, and follows a traversal out of its directory', async () => {
    const result = await audit(METHOD, 'method.py');
    assert.equal(result.fuzz.target?.function, 'Manager.create_dir');
    assert.ok(result.fuzz.firstPassExecuted > 1, result.reasons.join('; '));
    assert.ok(securityEvents(result).includes('CWE-22'), JSON.stringify(result.fuzz.failureSummary));
  });

  it('runs a parameterless function once, and requests a route that reads the request only in a helper', async () => {
    const once = await audit(PARAMETERLESS, 'roll.py');
    assert.equal(once.fuzz.target?.function, 'roll');
    assert.equal(once.fuzz.firstPassExecuted, 1, 'one run: there is no input to vary');
    assert.equal(once.verdict, 'secure', once.reasons.join('; '));

    const route = await audit(ROUTE_WITHOUT_PARTS, 'search.py');
    assert.deepEqual(
      route.fuzz.target?.params.map((p) => p.name),
      ['args.q'],
      "the helper's request part",
    );
    assert.ok(securityEvents(route).includes('CWE-79'), 'the reflected query is cross-site scripting');
  });

  it('runs code importing a module the sandbox lacks against a stub, says so, and does not clear it', async () => {
    const result = await audit(MISSING_MODULE, 'canvas.py');
    assert.equal(result.fuzz.skippedReason, null, result.reasons.join('; '));
    assert.deepEqual(result.fuzz.stubbed, ['canvasapi']);
    assert.ok(
      result.reasons.some((r) => r.includes('stand-ins for modules the sandbox lacks or cannot reach (canvasapi)')),
      result.reasons.join('; '),
    );
    assert.equal(result.verdict, 'could-not-verify', 'code that ran against a stub was not tested whole: it is not cleared');
  });

  it('skips only code with nothing to execute, and says why', async () => {
    const result = await audit(NOTHING_TO_RUN, 'reader.py');
    assert.equal(result.fuzz.target, null);
    assert.match(result.fuzz.skippedReason ?? '', /nothing to execute/);
    assert.equal(result.verdict, 'could-not-verify');
  });
});

/**
 * Each step up needs more "../": one or two mutations of a seed add at most eight (or, repeating
 * the string, hundreds), so only inputs derived from inputs already high up reach the top step.
 */
const STAIRCASE = `def climb(path):
    depth = path.count("../")
    level = 0
    if depth >= 2:
        level = 2
    if depth >= 4:
        level = 4
    if depth >= 6:
        level = 6
    if depth >= 8:
        level = 8
    if depth >= 10:
        level = 10
    if 12 <= depth <= 24:
        return int("the top step")
    return level
`;

describe('coverage-guided mutation', () => {
  const climb = (coverageGuided: boolean) =>
    suite.harden(
      { code: STAIRCASE, source: 'climb.py', llm: null, fuzz: { mutations: 150, seed: 1, coverageGuided } },
      `every-task-climb-${coverageGuided}`,
    );
  const top = (result: HardenResult) =>
    result.fuzz.failures.filter((f) => f.outcome.status === 'exception' && f.outcome.message.includes('the top step'));

  it('reaches a branch that random mutation at the same budget and seed does not, and reports line coverage', async () => {
    const random = await climb(false);
    const guided = await climb(true);
    assert.equal(random.fuzz.firstPassExecuted, guided.fuzz.firstPassExecuted, 'the same budget');
    assert.deepEqual(top(random), [], 'random mutation stays on the lower steps');
    assert.ok(top(guided).length > 0, `guided mutation climbs to the top: ${JSON.stringify(guided.fuzz.coverage)}`);
    assert.ok(
      guided.steps.some((s) => s.action === 'fuzz' && s.summary.includes(' in 3 round(s) over ')),
      `the budget is spent in rounds, in one activity: ${guided.steps.map((s) => s.summary).join('\n')}`,
    );
    const coverable = STAIRCASE.split('\n').filter((line) => line.startsWith('    ')).length;
    assert.equal(guided.fuzz.coverage?.coverable, coverable, 'every line of the body can run');
    assert.equal(guided.fuzz.coverage?.reached, coverable);
    assert.ok((random.fuzz.coverage?.reached ?? 0) < coverable, JSON.stringify(random.fuzz.coverage));
  });
});

describe('choosing what to run when no function takes input', () => {
  const fn = (name: string, params: string[] = [], extra: Partial<FunctionInfo> = {}): FunctionInfo => ({
    name,
    line: 1,
    decorators: [],
    route: null,
    params: params.map((p) => ({ name: p, annotation: null, defaultRepr: null, kind: 'positional' as const })),
    ...extra,
  });

  it('prefers functions to methods and methods to routes; falls back to the module as a program, then to parameterless functions', () => {
    assert.equal(defaultTarget(fuzzableFunctions([fn('helper', ['a']), fn('Cls.method', ['b']), fn('main', ['c'])]))?.name, 'main');
    assert.equal(
      defaultTarget(fuzzableFunctions([fn('Cls.method', ['b']), fn('view', ['args.q'], { route: { rule: '/' } })]))?.name,
      'Cls.method',
    );
    assert.deepEqual(fuzzableFunctions([fn('roll'), fn('_private', ['x'])]), []);
    assert.deepEqual(
      fallbackTargets([fn('roll'), fn('decorated', [], { decorators: ['cache'] })], false).map((f) => f.name),
      ['roll'],
      'a parameterless function runs when the module runs nothing itself',
    );
    assert.deepEqual(
      fallbackTargets([fn('main')], true).map((f) => [f.name, f.params.map((p) => p.name)]),
      [[MODULE_TARGET, ['argv', 'stdin']]],
      'a script runs as a program (its main() reads argv there)',
    );
    const keywordOnly = fn('configure');
    keywordOnly.params = [{ name: 'path', annotation: null, defaultRepr: null, kind: 'keyword-only' }];
    assert.deepEqual(fallbackTargets([keywordOnly], false), [], 'a keyword-only parameter may be required');
    assert.deepEqual(fallbackTargets([], false), [], 'a module that only declares has nothing to run');
  });
});
