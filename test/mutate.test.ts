import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FuzzValueSchema, PY_TYPES, type FuzzValue } from '../src/common/fuzz-value.js';
import { createRng, deriveInputs, mutateValue } from '../src/domain/mutate.js';

const samples: Record<(typeof PY_TYPES)[number], FuzzValue> = {
  int: { type: 'int', value: '42' },
  float: { type: 'float', value: 1.5 },
  str: { type: 'str', value: 'report.txt' },
  bytes: { type: 'bytes', hex: '68656c6c6f' },
  bool: { type: 'bool', value: true },
  none: { type: 'none' },
  list: {
    type: 'list',
    items: [
      { type: 'int', value: '1' },
      { type: 'str', value: 'a' },
    ],
  },
  dict: { type: 'dict', entries: [{ key: 'name', value: { type: 'str', value: 'alice' } }] },
};

function mutations(value: FuzzValue, n: number, seed = 7): FuzzValue[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => mutateValue(value, rng));
}

describe('type-aware mutation', () => {
  for (const type of PY_TYPES) {
    it(`mutates ${type} into valid, mostly different values of the same type`, () => {
      const out = mutations(samples[type], 300);
      for (const v of out) FuzzValueSchema.parse(v);
      const distinct = new Set(out.map((v) => JSON.stringify(v)));
      assert.ok(distinct.size >= 5, `${type}: only ${distinct.size} distinct mutations`);
      if (type !== 'none' && type !== 'bool') {
        const sameType = out.filter((v) => v.type === type).length;
        assert.ok(sameType > out.length * 0.8, `${type}: only ${sameType}/300 kept the type`);
      }
      assert.ok(
        out.some((v) => v.type !== type),
        `${type}: never confused with another type`,
      );
    });
  }

  it('reaches integer boundaries and sign flips', () => {
    const values = new Set(mutations(samples.int, 400).flatMap((v) => (v.type === 'int' ? [v.value] : [])));
    for (const expected of ['-42', '9223372036854775807', '0', '43']) assert.ok(values.has(expected), `missing ${expected}`);
  });

  it('produces NaN, infinities and negative zero for floats', () => {
    const values = mutations(samples.float, 400).flatMap((v) => (v.type === 'float' ? [v.value] : []));
    for (const special of ['nan', 'inf', '-inf'] as const) assert.ok(values.includes(special), `missing ${special}`);
    assert.ok(values.some((v) => Object.is(v, -0)));
  });

  it('inserts special characters, path traversal and growth into strings', () => {
    const values = mutations(samples.str, 400).flatMap((v) => (v.type === 'str' ? [v.value] : []));
    assert.ok(
      values.some((v) => v.includes('../')),
      'no path traversal',
    );
    assert.ok(
      values.some((v) => v.includes("'")),
      'no quote',
    );
    assert.ok(
      values.some((v) => v.includes('\u0000')),
      'no NUL',
    );
    assert.ok(
      values.some((v) => v.length >= 4096),
      'no growth',
    );
    assert.ok(values.includes(''), 'no empty string');
  });

  it('keeps bytes as valid hex and flips bits', () => {
    const values = mutations(samples.bytes, 300).flatMap((v) => (v.type === 'bytes' ? [v.hex] : []));
    for (const hex of values) assert.match(hex, /^(?:[0-9a-f]{2})*$/);
    assert.ok(
      values.some((h) => h.length === 10 && h !== '68656c6c6f'),
      'no bit flip',
    );
  });

  it('changes structure of lists and dicts, bounded in depth', () => {
    const lists = mutations(samples.list, 300).flatMap((v) => (v.type === 'list' ? [v.items] : []));
    assert.ok(lists.some((items) => items.length === 0));
    assert.ok(lists.some((items) => items.length >= 1000));
    assert.ok(lists.some((items) => items[0]?.type === 'list'));
    const dicts = mutations(samples.dict, 300).flatMap((v) => (v.type === 'dict' ? [v.entries] : []));
    assert.ok(dicts.some((e) => e.length === 0));
    assert.ok(dicts.some((e) => e.length === 2));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const seeds = [{ id: 's1', args: [samples.str, samples.int] }];
    const a = deriveInputs(seeds, 150, 99);
    assert.deepEqual(deriveInputs(seeds, 150, 99), a);
    assert.notDeepEqual(deriveInputs(seeds, 150, 100), a);
    assert.equal(a.length, 150);
    assert.equal(new Set(a.map((c) => JSON.stringify(c.args))).size, 150, 'duplicates');
    assert.ok(!a.some((c) => JSON.stringify(c.args) === JSON.stringify(seeds[0]?.args)), 'repeats a seed');
    assert.deepEqual(a.map((c) => c.id).slice(0, 3), ['m1', 'm2', 'm3']);
  });

  it('drops inputs past a size bound: a large list never becomes a huge one', () => {
    const words: FuzzValue = {
      type: 'list',
      items: Array.from({ length: 200 }, (_, i): FuzzValue => ({ type: 'str', value: `${i}${'w'.repeat(97)}` })),
    };
    const seeds = [{ id: 's1', args: [words] }];
    const unbounded = deriveInputs(seeds, 150, 1);
    assert.ok(
      unbounded.some((c) => JSON.stringify(c.args).length > 64 * 1024),
      'the unbounded corpus has no large input: the bound would test nothing',
    );
    const bounded = deriveInputs(seeds, 150, 1, { maxChars: 64 * 1024 });
    assert.ok(bounded.length > 100, `only ${bounded.length} inputs`);
    assert.ok(bounded.every((c) => JSON.stringify(c.args).length <= 64 * 1024));
  });

  it('derives a later round from the parents given, never repeating an input already run, its ids continuing', () => {
    const seeds = [{ id: 's1', args: [samples.str] }];
    const first = deriveInputs(seeds, 50, 7);
    // A parent of another type than the seed: what derives from it stays an int (but for rare type confusions).
    const parent = { id: 'm3', args: [{ type: 'int' as const, value: '777' }] };
    const next = deriveInputs(seeds, 50, 8, { parents: [parent], existing: [...seeds, ...first] });
    assert.deepEqual(next.map((c) => c.id).slice(0, 2), ['m51', 'm52']);
    const seen = new Set([...seeds, ...first].map((c) => JSON.stringify(c.args)));
    assert.ok(
      next.every((c) => !seen.has(JSON.stringify(c.args))),
      'an input already run came back',
    );
    const fromParent = next.filter((c) => c.args[0]?.type === 'int');
    assert.ok(
      fromParent.length >= 28 && fromParent.length <= 45,
      `${fromParent.length} of 50 from the parent: about three in four expected`,
    );
    assert.deepEqual(deriveInputs(seeds, 50, 7, { existing: [] }), first, 'without parents or history, the same inputs as ever');
  });

  it('ends early on a tiny input space instead of spinning', () => {
    const out = deriveInputs([{ id: 's1', args: [] }], 150, 1);
    assert.equal(out.length, 0);
  });
});
