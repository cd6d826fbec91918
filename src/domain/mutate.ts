import type { FuzzValue } from '../common/fuzz-value.js';
import type { FuzzCase } from '../common/sandbox.js';

/**
 * Type-aware mutation, pure and seeded: the workflow derives the same inputs on every replay,
 * and a run can be reproduced from its seed.
 */

export type Rng = () => number;

/** mulberry32: small, fast, and identical on every platform. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const INT_BOUNDARIES = [
  '0',
  '1',
  '-1',
  '2',
  '255',
  '256',
  '65535',
  '2147483647',
  '-2147483648',
  '4294967296',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '1' + '0'.repeat(40),
];
const FLOAT_SPECIALS: (number | 'nan' | 'inf' | '-inf')[] = [0, -0, 1e308, -1e308, 5e-324, 'nan', 'inf', '-inf', 0.1, -1.5];
/** Strings that break parsers, shells, paths, SQL, templates and encodings, or reach inside. */
const SPECIAL_STRINGS = [
  "'",
  '"',
  '\\',
  ';',
  '|',
  '&&',
  '$(id)',
  '`id`',
  '; id',
  '../',
  '../../../../etc/passwd',
  '/etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '127.0.0.1',
  'file:///etc/passwd',
  '__import__("os").getcwd()',
  '\u0000',
  '\n',
  '\r\n',
  '%s%s%n',
  '{0}',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '--',
  '*',
  '\u202e',
  '\ud83d\ude00',
  'é',
  '\uffff',
  ' ',
  '',
];
/**
 * SPECIAL_STRINGS and probes for the later oracles: an XML document with an external entity (it names
 * /etc/passwd, whose first line the XXE oracle looks for), markup that survives naive script
 * filters, off-site redirect targets, a catastrophic regex, LDAP and XPath syntax, and header and
 * log line breaks.
 */
export const ATTACK_STRINGS = [
  ...SPECIAL_STRINGS,
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
  '<img src=x onerror=alert(1)>',
  'https://evil.example.net/',
  '//evil.example.net/',
  '(a+)+$',
  '*)(uid=*))(|(uid=*',
  "' or '1'='1' or 'a'='",
  '\r\nX-Injected: 1',
  'x\nINFO forged log entry',
];
const SPECIAL_BYTES = ['00', 'ff', '7f', '80', 'c3', 'fe', 'ef', '0a', '25', '27'];

export function mutateValue(value: FuzzValue, rng: Rng, depth = 0, strings: readonly string[] = SPECIAL_STRINGS): FuzzValue {
  // Now and then a value of another type: code that trusts its annotations breaks on these.
  if (rng() < 0.06) return pick(rng, typeConfusions(value));
  switch (value.type) {
    case 'int':
      return { type: 'int', value: mutateInt(BigInt(value.value), rng) };
    case 'float':
      return { type: 'float', value: mutateFloat(value.value, rng) };
    case 'str':
      return { type: 'str', value: mutateString(value.value, rng, strings) };
    case 'bytes':
      return { type: 'bytes', hex: mutateBytes(value.hex, rng) };
    case 'bool':
      return rng() < 0.8 ? { type: 'bool', value: !value.value } : { type: 'int', value: pick(rng, ['2', '-1']) };
    case 'none':
      return pick(rng, typeConfusions(value));
    case 'list':
      return { type: 'list', items: mutateList(value.items, rng, depth, strings) };
    case 'dict':
      return { type: 'dict', entries: mutateDict(value.entries, rng, depth, strings) };
  }
}

function typeConfusions(value: FuzzValue): FuzzValue[] {
  const all: FuzzValue[] = [
    { type: 'none' },
    { type: 'int', value: '0' },
    { type: 'str', value: '' },
    { type: 'bytes', hex: '' },
    { type: 'list', items: [] },
    { type: 'dict', entries: [] },
    { type: 'float', value: 'nan' },
  ];
  return all.filter((candidate) => candidate.type !== value.type);
}

function mutateInt(n: bigint, rng: Rng): string {
  const ops: (() => bigint)[] = [
    () => BigInt(pick(rng, INT_BOUNDARIES)),
    () => -n,
    () => n + 1n,
    () => n - 1n,
    () => n * 2n,
    () => n * 1000003n,
    () => BigInt(Math.floor(rng() * 2001) - 1000),
    () => (n === 0n ? -1n : n ** 2n),
  ];
  return pick(rng, ops)().toString();
}

function mutateFloat(x: number | 'nan' | 'inf' | '-inf', rng: Rng): number | 'nan' | 'inf' | '-inf' {
  if (typeof x !== 'number' || rng() < 0.5) return pick(rng, FLOAT_SPECIALS);
  const ops: (() => number)[] = [() => -x, () => x * 1e10, () => x / 3, () => x + Number.EPSILON, () => Math.trunc(x)];
  const result = pick(rng, ops)();
  if (Number.isNaN(result)) return 'nan';
  if (!Number.isFinite(result)) return result > 0 ? 'inf' : '-inf';
  return result;
}

function insertAt(text: string, rng: Rng, piece: string): string {
  const at = Math.floor(rng() * (text.length + 1));
  return text.slice(0, at) + piece + text.slice(at);
}

function mutateString(s: string, rng: Rng, strings: readonly string[]): string {
  const ops: (() => string)[] = [
    () => insertAt(s, rng, pick(rng, strings)),
    () => insertAt(s, rng, pick(rng, strings)),
    () => pick(rng, strings),
    () => pick(rng, ['../', '../../', '../../../../']) + s,
    () => (s.length === 0 ? 'A'.repeat(1024) : s.repeat(Math.min(4096, Math.ceil(4096 / s.length)))),
    () => s.slice(0, Math.floor(rng() * s.length)),
    () => s.toUpperCase() + s.toLowerCase(),
    () => pick(rng, INT_BOUNDARIES),
    () => '',
  ];
  return pick(rng, ops)();
}

function mutateBytes(hex: string, rng: Rng): string {
  const ops: (() => string)[] = [
    () => '',
    () => hex + pick(rng, SPECIAL_BYTES),
    () => pick(rng, SPECIAL_BYTES) + hex,
    () => (hex.length === 0 ? '41'.repeat(1024) : hex.repeat(Math.min(4096, Math.ceil(8192 / hex.length)))),
    () => hex.slice(0, 2 * Math.floor((rng() * hex.length) / 2)),
    () => flipByte(hex, rng),
  ];
  return pick(rng, ops)();
}

function flipByte(hex: string, rng: Rng): string {
  if (hex.length === 0) return pick(rng, SPECIAL_BYTES);
  const index = 2 * Math.floor((rng() * hex.length) / 2);
  const byte = parseInt(hex.slice(index, index + 2), 16) ^ (1 << Math.floor(rng() * 8));
  return hex.slice(0, index) + byte.toString(16).padStart(2, '0') + hex.slice(index + 2);
}

const MAX_DEPTH = 4;

function mutateList(items: FuzzValue[], rng: Rng, depth: number, strings: readonly string[]): FuzzValue[] {
  const ops: (() => FuzzValue[])[] = [
    () => [],
    () => items.slice(1),
    () => [...items, ...items],
    () => (items.length > 0 ? [...items, mutateValue(pick(rng, items), rng, depth + 1, strings)] : [{ type: 'none' }]),
    () => {
      if (items.length === 0 || depth >= MAX_DEPTH) return [{ type: 'list', items: [] }];
      const index = Math.floor(rng() * items.length);
      return items.map((item, i) => (i === index ? mutateValue(item, rng, depth + 1, strings) : item));
    },
    () => (depth >= MAX_DEPTH ? items : [{ type: 'list', items }]),
    () => Array.from({ length: 1000 }, () => items[0] ?? { type: 'int', value: '0' }),
  ];
  return pick(rng, ops)();
}

function mutateDict(
  entries: { key: string; value: FuzzValue }[],
  rng: Rng,
  depth: number,
  strings: readonly string[],
): { key: string; value: FuzzValue }[] {
  const ops: (() => { key: string; value: FuzzValue }[])[] = [
    () => [],
    () => entries.slice(1),
    () => [...entries, { key: pick(rng, strings), value: { type: 'str', value: pick(rng, strings) } }],
    () => {
      if (entries.length === 0 || depth >= MAX_DEPTH) return [{ key: 'key', value: { type: 'none' } }];
      const index = Math.floor(rng() * entries.length);
      return entries.map((e, i) => (i === index ? { key: e.key, value: mutateValue(e.value, rng, depth + 1, strings) } : e));
    },
    () => entries.map((e): { key: string; value: FuzzValue } => ({ key: e.key, value: { type: 'none' } })),
  ];
  return pick(rng, ops)();
}

/** A stable text key, to keep each derived input once. */
function caseKey(args: FuzzValue[]): string {
  return JSON.stringify(args);
}

export interface DeriveOptions {
  /** Inputs over this many characters of JSON are dropped. */
  maxChars?: number;
  /** Which arguments may change (an attacker's); all when empty. */
  mutable?: readonly boolean[];
  /** The dictionary string mutations draw from. */
  strings?: readonly string[];
  /** Inputs worth building on (they reached lines first or most cheaply): three in four new inputs derive from one of them when given. */
  parents?: readonly FuzzCase[];
  /** Inputs already run: never derived again, and ids continue after theirs. */
  existing?: readonly FuzzCase[];
}

/**
 * Derives `count` new inputs from the seeds (or the parents): each takes one and mutates one or
 * two of its arguments, among those `mutable` allows (an attacker's; the caller's configuration
 * stays as seeded). Duplicates of the seeds, of existing inputs or of each other are dropped, and
 * so are inputs over `maxChars` (bounded retries, so a tiny input space ends early instead of
 * spinning).
 */
export function deriveInputs(seeds: FuzzCase[], count: number, seed: number, options: DeriveOptions = {}): FuzzCase[] {
  if (seeds.length === 0 || count === 0) return [];
  const { maxChars = Number.POSITIVE_INFINITY, mutable = [], strings = SPECIAL_STRINGS, parents = [], existing = [] } = options;
  const rng = createRng(seed);
  const seen = new Set([...seeds, ...existing].map((s) => caseKey(s.args)));
  const firstId = existing.filter((c) => c.id.startsWith('m')).length + 1;
  const derived: FuzzCase[] = [];
  const maxTries = count * 20;
  for (let tries = 0; derived.length < count && tries < maxTries; tries++) {
    const base = parents.length > 0 && rng() < 0.75 ? pick(rng, parents) : pick(rng, seeds);
    let args = base.args;
    // The arguments an attacker sets (all, when none is marked).
    const open = args.map((_, i) => i).filter((i) => mutable[i] !== false);
    if (open.length > 0) {
      const edits = rng() < 0.7 ? 1 : 2;
      for (let e = 0; e < edits; e++) {
        const index = pick(rng, open);
        args = args.map((arg, i) => (i === index ? mutateValue(arg, rng, 0, strings) : arg));
      }
    }
    const key = caseKey(args);
    if (seen.has(key) || key.length > maxChars) continue;
    seen.add(key);
    derived.push({ id: `m${firstId + derived.length}`, args });
  }
  return derived;
}
