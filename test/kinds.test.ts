import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FunctionInfo, HardenResult } from '../src/common/schemas/index.js';
import { withinContract } from '../src/domain/findings.js';
import { classifyParams } from '../src/domain/param-roles.js';
import { answer, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { scriptedSuite } from './support/stack.js';

/**
 * What a finding means, through the real workflow: security evidence makes code vulnerable;
 * crashes within the parameter types are robustness and crashes outside them contract, reported
 * beside the verdict; oracles follow attacker-controlled values only.
 */

/** Crashes on parts = 0 (in its contract) and on anything but numbers (outside it). */
const RATIO = `def ratio(total: int, parts: int) -> float:
    '''Share of total per part.'''
    return total / parts
`;

const RATIO_GUARDED = `def ratio(total: int, parts: int) -> float:
    '''Share of total per part.'''
    if parts == 0:
        raise ValueError("parts must not be zero")
    return total / parts
`;

/** The caller chooses base_dir; name comes from a user. */
const READ_UNDER = `import os

def read_under(base_dir, name):
    '''Read the file called name in base_dir.'''
    with open(os.path.join(base_dir, name)) as f:
        return f.read()
`;

/** A function whose job is to read the file it is given. */
const READ_GIVEN = `def read_given(path):
    '''Read the file at path.'''
    with open(path) as f:
        return f.read()
`;

/** The same read, behind a route: every request part is an attacker's. */
const READ_ROUTE = `from flask import Flask, request

app = Flask(__name__)

@app.route('/read')
def read_route():
    with open(request.args.get('path', 'x')) as f:
        return f.read()
`;

/** tool_dir is configuration, arg is a user's. */
const RUN_TOOL = `import os

def run_tool(tool_dir, arg):
    '''Run the tool in tool_dir on arg.'''
    return os.system("ls " + tool_dir + " && echo " + arg)
`;

function model(req: ChatRequest): Reply {
  switch (req.agent) {
    case 'coding':
      return answer.code(RATIO_GUARDED);
    case 'static-analyser':
      return answer.findings([]);
    case 'fuzzing':
      return answer.seeds(
        'ratio',
        [
          { name: 'total', type: 'int' },
          { name: 'parts', type: 'int' },
        ],
        [
          [10, 2],
          [7, 0],
        ],
      );
    default:
      return { status: 400 };
  }
}

const seedsAnswer = (fn: string, params: { name: string; type: string; role?: string }[], seeds: unknown[][]) =>
  `\`\`\`json\n${JSON.stringify({ function: fn, params, seeds })}\n\`\`\``;

/** A Fuzzing agent with these seeds, and a Coding agent that gives the code back as it is: the oracles judge the code as written. */
function oracleModel(code: string, seeds: string): (req: ChatRequest) => Reply {
  return (req) => (req.agent === 'fuzzing' ? seeds : req.agent === 'coding' ? answer.code(code) : model(req));
}

const asWritten = { llm: { model: 'm' }, maxStaticRounds: 1, fuzz: { mutations: 0, maxRepairRounds: 0 } };

describe('finding kinds and who is the attacker', () => {
  const suite = scriptedSuite(model);
  const events = (result: HardenResult) =>
    result.fuzz.failures.flatMap((f) => f.outcome.events.map((e) => ({ id: f.input.id, kind: e.kind, cwe: e.cwe })));

  it('crashes within the parameter types are robustness, outside them contract: the code is not vulnerable for either', async () => {
    const result = await suite.harden({ code: RATIO, source: 'ratio.py', llm: null, fuzz: { mutations: 150 } }, 'kinds-ratio');
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    const { security, robustness, contract } = result.remainingByKind;
    assert.equal(security, 0);
    assert.ok(robustness > 0 && contract > 0, JSON.stringify(result.remainingByKind));
    for (const f of result.fuzz.failures) {
      const o = f.outcome;
      const exception = o.status === 'exception' ? o.exceptionType : o.status;
      if (exception === 'ZeroDivisionError') assert.equal(f.kind, 'robustness', JSON.stringify(f.input));
      if (exception === 'TypeError') assert.equal(f.kind, 'contract', JSON.stringify(f.input));
    }
    assert.ok(
      result.reasons.some((r) => r.startsWith('robustness, reported beside the verdict') && r.includes('ZeroDivisionError')),
      result.reasons.join('; '),
    );
    assert.ok(
      result.reasons.some((r) => r.startsWith('contract, not a weakness')),
      result.reasons.join('; '),
    );
    assert.equal(result.findingsAfter['CWE-248'], robustness, 'only robustness failures count as CWE-248: contract ones are no weakness');
    // One group per cause and line, counting every input of it.
    const zero = result.fuzz.failureSummary.groups.filter((g) => g.label === 'ZeroDivisionError');
    assert.equal(zero.length, 1);
    assert.equal(zero[0]?.line, 3);
    assert.equal(zero[0]?.inputs, result.fuzz.failureSummary.byKind.ZeroDivisionError);
    assert.deepEqual(
      result.fuzz.target?.params.map((p) => [p.name, p.type, p.role]),
      [
        ['total', 'int', 'attacker'],
        ['parts', 'int', 'attacker'],
      ],
    );
  });

  it('harden mode repairs robustness failures, never contract ones; security-only repairs neither', async () => {
    const before = suite.llm.requests.length;
    const repaired = await suite.harden(
      { code: RATIO, source: 'ratio.py', llm: { model: 'm' }, fuzz: { mutations: 60, maxRepairRounds: 1 } },
      'kinds-repair',
    );
    const asked = suite.llm.requests.slice(before).filter((r) => r.agent === 'coding');
    assert.equal(asked.length, 1, 'one fuzz repair');
    assert.match(asked[0]?.user ?? '', /ZeroDivisionError/);
    assert.doesNotMatch(asked[0]?.user ?? '', /TypeError/, 'inputs outside the contract are not sent for repair');
    assert.equal(repaired.fuzz.repairRounds[0]?.accepted, true);
    assert.equal(repaired.finalCode.trim(), RATIO_GUARDED.trim());
    assert.ok(
      !repaired.remainingFailures.some((f) => f.outcome.status === 'exception' && f.outcome.exceptionType === 'ZeroDivisionError'),
      'the repair closed the division by zero',
    );
    assert.ok(repaired.remainingByKind.contract > 0, 'contract failures stay, reported');

    const start = suite.llm.requests.length;
    const securityOnly = await suite.harden(
      { code: RATIO, source: 'ratio.py', llm: { model: 'm' }, securityOnly: true, fuzz: { mutations: 60 } },
      'kinds-security-only',
    );
    assert.equal(suite.llm.requests.slice(start).filter((r) => r.agent === 'coding').length, 0, 'nothing to repair');
    assert.deepEqual(securityOnly.fuzz.repairRounds, []);
    assert.equal(securityOnly.verdict, 'secure');
    assert.ok(securityOnly.remainingByKind.robustness > 0);
  });

  it('a tool finding the Static Analyser agent dismisses stays visible with its reason and counts for nothing', async () => {
    const code = `def scratch_name():\n    '''Where the scratch file goes.'''\n    return "/tmp/scratch.txt"\n`;
    const before = suite.llm.count('coding');
    suite.llm.script((req) =>
      req.agent === 'static-analyser'
        ? JSON.stringify({ findings: [], triage: [{ finding: 1, verdict: 'dismissed', reason: 'a constant name, never opened here' }] })
        : model(req),
    );
    const result = await suite.harden(
      { code, source: 'scratch.py', llm: { model: 'm' }, fuzz: { mutations: 0, maxRepairRounds: 0 } },
      'kinds-dismissed',
    );
    assert.equal(suite.llm.count('coding') - before, 0, 'a dismissed finding is not sent for repair');
    assert.deepEqual(result.remainingFindings, []);
    assert.deepEqual(
      result.dismissedFindings.map((f) => [f.ruleId, f.triage]),
      [['B108', { verdict: 'dismissed', reason: 'a constant name, never opened here' }]],
    );
    assert.equal(result.staticRounds[0]?.findings[0]?.triage?.verdict, 'dismissed', 'the round shows it, as dismissed');
    assert.notEqual(result.verdict, 'vulnerable', result.reasons.join('; '));
  });

  it('the path oracle: traversal out of a trusted base directory is CWE-22; a file inside it, or the very path given, is not', async () => {
    suite.llm.script(
      oracleModel(
        READ_UNDER,
        seedsAnswer(
          'read_under',
          [
            { name: 'base_dir', type: 'str' },
            { name: 'name', type: 'str' },
          ],
          [
            ['/etc', 'passwd'],
            ['/srv', '../etc/passwd'],
          ],
        ),
      ),
    );
    const under = await suite.harden({ code: READ_UNDER, source: 'read_under.py', ...asWritten }, 'kinds-path-under');
    assert.deepEqual(
      under.fuzz.target?.params.map((p) => p.role),
      ['trusted', 'attacker'],
    );
    assert.match(under.fuzz.target?.params[0]?.roleReason ?? '', /names a directory the caller chooses/);
    assert.deepEqual(events(under), [{ id: 's2', kind: 'path', cwe: 'CWE-22' }], 'only the traversal out of the base directory');
    assert.equal(under.verdict, 'vulnerable');

    suite.llm.script(
      oracleModel(READ_GIVEN, seedsAnswer('read_given', [{ name: 'path', type: 'str' }], [['/etc/passwd'], ['/etc/hostname']])),
    );
    const given = await suite.harden({ code: READ_GIVEN, source: 'read_given.py', ...asWritten }, 'kinds-path-given');
    assert.deepEqual(events(given), [], 'opening exactly the path a function was asked to open is its job');
    assert.equal(given.verdict, 'secure', given.reasons.join('; '));

    suite.llm.script(oracleModel(READ_ROUTE, seedsAnswer('read_route', [{ name: 'args.path', type: 'str' }], [['/etc/passwd']])));
    const route = await suite.harden({ code: READ_ROUTE, source: 'read_route.py', ...asWritten }, 'kinds-path-route');
    assert.match(route.fuzz.target?.params[0]?.roleReason ?? '', /every request part is attacker input/);
    assert.deepEqual(events(route), [{ id: 's1', kind: 'path', cwe: 'CWE-22' }], 'a request names no path the route may open');
  });

  it('the shell oracle follows attacker values only, with the roles the Fuzzing agent gives', async () => {
    const seeds = [
      ['/opt; id', 'report'],
      ['/opt', 'report; id'],
    ];
    suite.llm.script(
      oracleModel(
        RUN_TOOL,
        seedsAnswer(
          'run_tool',
          [
            { name: 'tool_dir', type: 'str' },
            { name: 'arg', type: 'str' },
          ],
          seeds,
        ),
      ),
    );
    const byRule = await suite.harden({ code: RUN_TOOL, source: 'run_tool.py', ...asWritten }, 'kinds-shell-rule');
    assert.deepEqual(
      byRule.fuzz.target?.params.map((p) => p.role),
      ['trusted', 'attacker'],
    );
    assert.deepEqual(
      events(byRule),
      [{ id: 's2', kind: 'shell', cwe: 'CWE-78' }],
      "shell syntax in the configuration is the caller's; in the argument, an injection",
    );

    suite.llm.script(
      oracleModel(
        RUN_TOOL,
        seedsAnswer(
          'run_tool',
          [
            { name: 'tool_dir', type: 'str', role: 'attacker' },
            { name: 'arg', type: 'str', role: 'trusted' },
          ],
          seeds,
        ),
      ),
    );
    const byAgent = await suite.harden({ code: RUN_TOOL, source: 'run_tool.py', ...asWritten }, 'kinds-shell-agent');
    assert.deepEqual(
      byAgent.fuzz.target?.params.map((p) => [p.role, p.roleReason]),
      [
        ['attacker', 'the Fuzzing agent'],
        ['trusted', 'the Fuzzing agent'],
      ],
    );
    assert.deepEqual(events(byAgent), [{ id: 's1', kind: 'shell', cwe: 'CWE-78' }]);
  });
});

describe('parameter roles and contracts from the signature (no LLM)', () => {
  const fn = (params: [string, string | null, string | null][], route: string | null = null): FunctionInfo => ({
    name: 'f',
    line: 1,
    decorators: [],
    route: route ? { rule: route } : null,
    params: params.map(([name, annotation, defaultRepr]) => ({ name, annotation, defaultRepr, kind: 'positional' as const })),
  });
  const target = (names: string[]) => ({
    function: 'f',
    entry: 'call' as const,
    params: names.map((name) => ({ name, type: 'str' as const })),
    seeds: [{ id: 's1', args: [] }],
  });

  it("names and annotations of directories and live objects are trusted; data, keys included, is the attacker's", () => {
    const info = fn([
      ['base_dir', null, null],
      ['filename', null, null],
      ['conn', 'sqlite3.Connection', null],
      ['secret_key', null, null],
      ['user_input', 'Optional[str]', null],
    ]);
    const params = classifyParams(info, target(['base_dir', 'filename', 'conn', 'secret_key', 'user_input']));
    assert.deepEqual(
      params.map((p) => [p.name, p.role, p.nullable]),
      [
        ['base_dir', 'trusted', false],
        ['filename', 'attacker', false],
        ['conn', 'trusted', false],
        ['secret_key', 'attacker', false],
        ['user_input', 'attacker', true],
      ],
    );
    assert.match(params[2]?.roleReason ?? '', /annotated sqlite3.Connection/);
  });

  it("every request part of a route is the attacker's, whatever its name", () => {
    const [part] = classifyParams(fn([['args.base_dir', null, null]], '/x'), target(['args.base_dir']));
    assert.equal(part?.role, 'attacker');
  });

  it('a contract: the declared types, None only where taken, list items as annotated', () => {
    const [numbers] = classifyParams(fn([['numbers', 'List[float]', null]]), {
      ...target(['numbers']),
      params: [{ name: 'numbers', type: 'list' }],
    });
    assert.ok(numbers);
    assert.equal(numbers.items, 'float');
    assert.ok(
      withinContract(
        [
          {
            type: 'list',
            items: [
              { type: 'int', value: '1' },
              { type: 'float', value: 2.5 },
            ],
          },
        ],
        [numbers],
      ),
      'an int is a float',
    );
    assert.equal(withinContract([{ type: 'list', items: [{ type: 'str', value: 'a' }] }], [numbers]), false);
    assert.equal(withinContract([{ type: 'none' }], [numbers]), false);
    assert.ok(withinContract([{ type: 'none' }], [{ ...numbers, nullable: true }]));
  });
});
