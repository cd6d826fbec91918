import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromJson, FuzzValueSchema } from '../src/common/fuzz-value.js';
import { resolveBatchInput, resolveHardenRequest } from '../src/client/request.js';
import { BatchInputSchema } from '../src/common/schemas/index.js';
import { llmConfigured, loadEnv } from '../src/common/config.js';
import { BATCH_DEFAULTS, REQUEST_DEFAULTS } from '../src/common/defaults.js';
import { HardenRequestSchema, HardenResultSchema, type HardenRequestInput } from '../src/common/schemas/index.js';
import { inferParamType, seedsFromSignature } from '../src/domain/signature-seeds.js';

const PROMPT = 'def add(a: int, b: int):\n    """Add two numbers."""\n';

const resolveError = (input: unknown) => {
  try {
    resolveHardenRequest(input as HardenRequestInput);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return '';
};

describe('requests resolved at the edge', () => {
  it('fills every default: 4 static rounds, 150 mutations, MEDIUM, 5 attempts', () => {
    const req = resolveHardenRequest({ code: 'x = 1\n', llm: { model: 'm' }, maxStaticRounds: undefined, fuzz: { seed: 9 } });
    assert.equal(req.maxStaticRounds, REQUEST_DEFAULTS.maxStaticRounds);
    assert.equal(req.fuzz.mutations, 150);
    assert.equal(req.fuzz.seed, 9, 'a given value is kept');
    assert.equal(req.minSeverity, 'MEDIUM');
    assert.equal(req.llm?.maxAttempts, 5);
    assert.equal(req.source, 'input');
  });

  it('the workflow schema itself applies no default: a partial request is refused', () => {
    const partial = HardenRequestSchema.safeParse({ code: 'x = 1\n', source: 'a.py', llm: null });
    assert.equal(partial.success, false);
    const paths = partial.error?.issues.map((i) => i.path.join('.')) ?? [];
    assert.ok(paths.includes('maxStaticRounds') && paths.includes('fuzz'), JSON.stringify(paths));
    assert.equal(HardenRequestSchema.safeParse(resolveHardenRequest({ code: 'x = 1\n', llm: null })).success, true);
  });

  it('a batch gets its settings and its own defaults filled', () => {
    const batch = resolveBatchInput({ tasks: [{ id: 'a', code: 'x = 1\n' }], total: 1, settings: { llm: null, fuzz: { mutations: 5 } } });
    assert.equal(batch.concurrency, BATCH_DEFAULTS.concurrency);
    assert.equal(batch.tasksPerRun, 500);
    assert.deepEqual(batch.skipped, []);
    assert.deepEqual(batch.settings.fuzz, { ...REQUEST_DEFAULTS.fuzz, mutations: 5 });
    assert.equal(BatchInputSchema.safeParse({ ...batch, concurrency: undefined }).success, false, 'the workflow schema has no default');
    assert.throws(
      () => resolveBatchInput({ tasks: [], total: 0, settings: { llm: null }, concurrency: 0 }),
      /the batch is invalid: concurrency/,
    );
  });

  it('refuses both or neither of prompt and code', () => {
    assert.match(resolveError({ llm: null }), /exactly one of prompt/);
    assert.match(resolveError({ prompt: PROMPT, code: 'x', llm: { model: 'm' } }), /exactly one/);
  });

  it('refuses an empty or whitespace-only input, naming the field', () => {
    assert.match(resolveError({ code: '  \n', llm: null }), /code: is empty/);
  });

  it('refuses a prompt with no Python signature', () => {
    assert.match(resolveError({ prompt: 'Write me a web server please', llm: { model: 'm' } }), /no Python function signature/);
  });

  it('refuses a prompt without an LLM', () => {
    assert.match(resolveError({ prompt: PROMPT, llm: null }), /needs an LLM/);
  });

  it('bounds the numbers, and keeps a bad value for the schema to name rather than defaulting it', () => {
    assert.match(resolveError({ code: 'x', llm: null, maxStaticRounds: 0 }), /maxStaticRounds/);
    assert.match(resolveError({ code: 'x', llm: null, fuzz: { mutations: -1 } }), /fuzz.mutations/);
    assert.match(resolveError({ code: 'x', llm: null, fuzz: 'many' }), /fuzz: /);
    assert.match(resolveError({ code: 'x', llm: { maxAttempts: 2 } }), /llm.model/);
  });
});

describe('HardenResultSchema', () => {
  it('rejects a result with an unknown verdict', () => {
    assert.equal(HardenResultSchema.safeParse({ verdict: 'probably-fine' }).success, false);
  });

  it('reads a result saved before the fields were renamed', () => {
    const failure = {
      input: { id: 'm1', args: [{ type: 'str', value: '' }] },
      outcome: { status: 'exception', exceptionType: 'ZeroDivisionError', message: 'division by zero', line: 4, events: [] },
    };
    const legacy = {
      verdict: 'vulnerable',
      reasons: [],
      mode: 'harden',
      source: 'a.py',
      model: 'm',
      initialCode: 'x',
      finalCode: 'x',
      staticRounds: [],
      fuzz: {
        target: null,
        skippedReason: null,
        executed: 84,
        failures: [failure],
        repairRounds: [{ round: 1, remainingFailures: [failure, failure], staticFindings: [], accepted: false }],
      },
      findingsBefore: {},
      findingsAfter: {},
      remainingFindings: [],
      remainingFailures: [failure],
      steps: [],
      usage: { prompt: 0, completion: 0 },
    };
    const result = HardenResultSchema.parse(legacy);
    assert.equal(result.fuzz.firstPassExecuted, 42, 'two passes of the same corpus');
    assert.equal(result.fuzz.repairRounds[0]?.candidateExecuted, 42);
    assert.equal(result.fuzz.repairRounds[0]?.candidateFailures.length, 2);
    assert.deepEqual(result.fuzz.repairRounds[0]?.candidateStaticFindings, []);
    assert.equal(HardenResultSchema.parse(result).fuzz.firstPassExecuted, 42, "today's results pass through unchanged");
    // Results from before kinds: a failure without an oracle event is robustness, a static finding takes its CWE's kind.
    assert.equal(result.remainingFailures[0]?.kind, 'robustness');
    assert.deepEqual(result.remainingByKind, { security: 0, robustness: 1, contract: 0 });
    const withFinding = HardenResultSchema.parse({
      ...legacy,
      remainingFindings: [
        { source: 'bandit', ruleId: 'B602', cwe: 'CWE-78', line: 3, severity: 'HIGH', confidence: 'HIGH', message: 'shell', fix: null },
      ],
    });
    assert.equal(withFinding.remainingFindings[0]?.kind, 'security');
    assert.deepEqual(withFinding.remainingByKind, { security: 1, robustness: 1, contract: 0 });
    assert.deepEqual(withFinding.dismissedFindings, []);
  });
});

describe('typed fuzz values', () => {
  it('carries big ints as strings and bytes as hex', () => {
    assert.ok(FuzzValueSchema.safeParse({ type: 'int', value: '9223372036854775808' }).success);
    assert.equal(FuzzValueSchema.safeParse({ type: 'int', value: '1.5' }).success, false);
    assert.equal(FuzzValueSchema.safeParse({ type: 'bytes', hex: 'zz' }).success, false);
  });

  it('converts model JSON by the declared type and says where it is wrong', () => {
    assert.deepEqual(fromJson('hi', 'bytes', 'x'), { type: 'bytes', hex: '6869' });
    assert.deepEqual(fromJson([1, 'a', null], 'list', 'x'), {
      type: 'list',
      items: [{ type: 'int', value: '1' }, { type: 'str', value: 'a' }, { type: 'none' }],
    });
    assert.throws(() => fromJson('abc', 'int', 'seeds[0][1]'), /seeds\[0\]\[1\]: expected an integer/);
  });
});

describe('seeds from the signature', () => {
  it('infers types from annotations, defaults and names', () => {
    const p = (name: string, annotation: string | null = null, defaultRepr: string | null = null) => ({
      name,
      annotation,
      defaultRepr,
      kind: 'positional' as const,
    });
    assert.equal(inferParamType(p('x', 'int')), 'int');
    assert.equal(inferParamType(p('x', 'Optional[str]')), 'str');
    assert.equal(inferParamType(p('x', null, '3.5')), 'float');
    assert.equal(inferParamType(p('count')), 'int');
    assert.equal(inferParamType(p('payload')), 'bytes');
    assert.equal(inferParamType(p('whatever')), 'str');
  });

  it('writes two seeds with one value per positional parameter', () => {
    const target = seedsFromSignature(
      {
        name: 'read_file',
        line: 1,
        decorators: [],
        route: null,
        params: [
          { name: 'filename', annotation: null, defaultRepr: null, kind: 'positional' },
          { name: 'limit', annotation: 'int', defaultRepr: '10', kind: 'positional' },
          { name: 'opts', annotation: null, defaultRepr: null, kind: 'var-keyword' },
        ],
      },
      true,
    );
    assert.deepEqual(target.params, [
      { name: 'filename', type: 'str' },
      { name: 'limit', type: 'int' },
    ]);
    assert.equal(target.seeds.length, 2);
    for (const seed of target.seeds) assert.equal(seed.args.length, 2);
  });

  it('seeds a list of strings with strings, where audits recorded before seeded numbers', () => {
    const fn = {
      name: 'run',
      line: 1,
      decorators: [],
      route: null,
      params: [{ name: 'argv', annotation: 'List[str]', defaultRepr: null, kind: 'positional' as const }],
    };
    const items = (stringItems: boolean) =>
      seedsFromSignature(fn, stringItems).seeds.flatMap((s) =>
        s.args.flatMap((a) => (a.type === 'list' ? a.items.map((i) => i.type) : [])),
      );
    assert.deepEqual([...new Set(items(true))], ['str']);
    assert.deepEqual([...new Set(items(false))], ['int', 'str']);
  });
});

describe('settings from the environment', () => {
  it('refuses an LLM request timeout whose re-asks would not fit the activity timeout of an agent call', () => {
    assert.equal(loadEnv({ ASC_LLM_TIMEOUT_S: '200' }).ASC_LLM_TIMEOUT_S, 200);
    assert.throws(
      () => loadEnv({ ASC_LLM_TIMEOUT_S: '300' }),
      /the environment is invalid: ASC_LLM_TIMEOUT_S: at most 200 s, so that an agent call's 3 requests fit its 10-minute activity timeout/,
    );
  });

  it("reads the model key from OPENAI_API_KEY_FILE; an empty file (a local endpoint's) is no key, a missing one is named", () => {
    const dir = mkdtempSync(join(tmpdir(), 'asc-key-'));
    try {
      writeFileSync(join(dir, 'key'), 'sk-test\n');
      writeFileSync(join(dir, 'empty'), '');
      assert.equal(loadEnv({ OPENAI_API_KEY_FILE: join(dir, 'key') }).OPENAI_API_KEY, 'sk-test');
      const local = loadEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_API_KEY_FILE: join(dir, 'empty') });
      assert.equal(local.OPENAI_API_KEY, undefined);
      assert.equal(llmConfigured(local), true);
      assert.throws(() => loadEnv({ OPENAI_API_KEY_FILE: join(dir, 'missing') }), /OPENAI_API_KEY_FILE .*missing: cannot read it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
