import { z } from 'zod';

/**
 * A Python value as the fuzzer sees it. JSON alone cannot tell bytes from str, or carry ints
 * beyond 2^53 and NaN, so every value carries its Python type; ints travel as decimal strings,
 * bytes as hex (plain code, so the workflow's mutators need no codec).
 */
export type FuzzValue =
  | { type: 'int'; value: string }
  | { type: 'float'; value: number | 'nan' | 'inf' | '-inf' }
  | { type: 'str'; value: string }
  | { type: 'bytes'; hex: string }
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
  | { type: 'list'; items: FuzzValue[] }
  | { type: 'dict'; entries: { key: string; value: FuzzValue }[] };

export const FuzzValueSchema: z.ZodType<FuzzValue> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('int'), value: z.string().regex(/^-?\d+$/, 'an int travels as a decimal string') }),
    z.object({ type: z.literal('float'), value: z.union([z.number(), z.enum(['nan', 'inf', '-inf'])]) }),
    z.object({ type: z.literal('str'), value: z.string() }),
    z.object({ type: z.literal('bytes'), hex: z.string().regex(/^(?:[0-9a-f]{2})*$/, 'bytes travel as lowercase hex') }),
    z.object({ type: z.literal('bool'), value: z.boolean() }),
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('list'), items: z.array(FuzzValueSchema) }),
    z.object({ type: z.literal('dict'), entries: z.array(z.object({ key: z.string(), value: FuzzValueSchema })) }),
  ]),
);

export const PY_TYPES = ['int', 'float', 'str', 'bytes', 'bool', 'none', 'list', 'dict'] as const;
export const PyTypeSchema = z.enum(PY_TYPES);
export type PyType = z.infer<typeof PyTypeSchema>;

/** Python-like rendering, for reports and for the Coding agent's fuzz feedback. */
export function renderFuzzValue(value: FuzzValue, limit = 120): string {
  const text = render(value);
  return text.length <= limit ? text : `${text.slice(0, limit)}…(${text.length} chars)`;
}

function render(value: FuzzValue): string {
  switch (value.type) {
    case 'int':
      return value.value;
    case 'float':
      return typeof value.value === 'number' ? String(value.value) : `float('${value.value}')`;
    case 'str':
      return JSON.stringify(value.value);
    case 'bytes':
      return `bytes.fromhex('${value.hex}')`;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return `[${value.items.map(render).join(', ')}]`;
    case 'dict':
      return `{${value.entries.map((e) => `${JSON.stringify(e.key)}: ${render(e.value)}`).join(', ')}}`;
  }
}

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Plain JSON (as a model writes it) to a typed value, guided by the declared type. */
export function fromJson(value: unknown, declared: PyType | null, path: string): FuzzValue {
  const fail = (expected: string): never => {
    throw new Error(`${path}: expected ${expected}, got ${JSON.stringify(value)}`);
  };
  const type = declared ?? inferJsonType(value);
  switch (type) {
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return { type: 'int', value: String(value) };
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return { type: 'int', value };
      return fail('an integer');
    case 'float':
      if (typeof value === 'number') return { type: 'float', value };
      if (value === 'nan' || value === 'inf' || value === '-inf') return { type: 'float', value };
      return fail('a number');
    case 'str':
      return typeof value === 'string' ? { type: 'str', value } : fail('a string');
    case 'bytes':
      return typeof value === 'string'
        ? { type: 'bytes', hex: bytesToHex(new TextEncoder().encode(value)) }
        : fail('bytes written as a string');
    case 'bool':
      return typeof value === 'boolean' ? { type: 'bool', value } : fail('true or false');
    case 'none':
      return value === null ? { type: 'none' } : fail('null');
    case 'list':
      return Array.isArray(value) ? { type: 'list', items: value.map((item, i) => fromJson(item, null, `${path}[${i}]`)) } : fail('a list');
    case 'dict':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('an object');
      return { type: 'dict', entries: Object.entries(value).map(([key, v]) => ({ key, value: fromJson(v, null, `${path}.${key}`) })) };
  }
}

function inferJsonType(value: unknown): PyType {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
