import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromJson, FuzzValueSchema } from '../src/common/fuzz-value.js';
import { HardenRequestSchema, HardenResultSchema } from '../src/common/schemas.js';
import { inferParamType, seedsFromSignature } from '../src/workflows/signature-seeds.js';

const PROMPT = 'def add(a: int, b: int):\n    """Add two numbers."""\n';

describe('HardenRequestSchema', () => {
  it('fills defaults: 4 static rounds, 150 mutations', () => {
    const req = HardenRequestSchema.parse({ code: 'x = 1\n', llm: null });
    assert.equal(req.maxStaticRounds, 4);
    assert.equal(req.fuzz.mutations, 150);
    assert.equal(req.minSeverity, 'MEDIUM');
  });

  it('refuses both or neither of prompt and code', () => {
    assert.match(HardenRequestSchema.safeParse({ llm: null }).error?.message ?? '', /exactly one of prompt/);
    assert.match(HardenRequestSchema.safeParse({ prompt: PROMPT, code: 'x', llm: { model: 'm' } }).error?.message ?? '', /exactly one/);
  });

  it('refuses an empty or whitespace-only input, naming the field', () => {
    const issue = HardenRequestSchema.safeParse({ code: '  \n', llm: null }).error?.issues[0];
    assert.deepEqual(issue?.path, ['code']);
    assert.match(issue?.message ?? '', /empty/);
  });

  it('refuses a prompt with no Python signature', () => {
    const error = HardenRequestSchema.safeParse({ prompt: 'Write me a web server please', llm: { model: 'm' } }).error;
    assert.match(error?.message ?? '', /no Python function signature/);
  });

  it('refuses a prompt without an LLM', () => {
    const error = HardenRequestSchema.safeParse({ prompt: PROMPT, llm: null }).error;
    assert.match(error?.message ?? '', /needs an LLM/);
  });

  it('bounds the numbers', () => {
    assert.equal(HardenRequestSchema.safeParse({ code: 'x', llm: null, maxStaticRounds: 0 }).success, false);
    assert.equal(HardenRequestSchema.safeParse({ code: 'x', llm: null, fuzz: { mutations: -1 } }).success, false);
  });

  it('rejects a result with an unknown verdict', () => {
    assert.equal(HardenResultSchema.safeParse({ verdict: 'probably-fine' }).success, false);
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
    assert.deepEqual(fromJson([1, 'a', null], 'list', 'x'), { type: 'list', items: [{ type: 'int', value: '1' }, { type: 'str', value: 'a' }, { type: 'none' }] });
    assert.throws(() => fromJson('abc', 'int', 'seeds[0][1]'), /seeds\[0\]\[1\]: expected an integer/);
  });
});

describe('seeds from the signature', () => {
  it('infers types from annotations, defaults and names', () => {
    const p = (name: string, annotation: string | null = null, defaultRepr: string | null = null) => ({ name, annotation, defaultRepr, kind: 'positional' as const });
    assert.equal(inferParamType(p('x', 'int')), 'int');
    assert.equal(inferParamType(p('x', 'Optional[str]')), 'str');
    assert.equal(inferParamType(p('x', null, '3.5')), 'float');
    assert.equal(inferParamType(p('count')), 'int');
    assert.equal(inferParamType(p('payload')), 'bytes');
    assert.equal(inferParamType(p('whatever')), 'str');
  });

  it('writes two seeds with one value per positional parameter', () => {
    const target = seedsFromSignature({
      name: 'read_file',
      line: 1,
      decorators: [],
      route: null,
      params: [
        { name: 'filename', annotation: null, defaultRepr: null, kind: 'positional' },
        { name: 'limit', annotation: 'int', defaultRepr: '10', kind: 'positional' },
        { name: 'opts', annotation: null, defaultRepr: null, kind: 'var-keyword' },
      ],
    });
    assert.deepEqual(target.params, [{ name: 'filename', type: 'str' }, { name: 'limit', type: 'int' }]);
    assert.equal(target.seeds.length, 2);
    for (const seed of target.seeds) assert.equal(seed.args.length, 2);
  });
});
