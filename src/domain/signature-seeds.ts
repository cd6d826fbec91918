import type { FuzzValue, PyType } from '../common/fuzz-value.js';
import type { FunctionInfo, FuzzTarget, ParamInfo } from '../common/schemas/index.js';

/**
 * Seeds from a function's signature alone (annotations, literal defaults, parameter names), so
 * fuzzing runs even with no LLM to write seeds.
 */

const ANNOTATION_TYPES: [RegExp, PyType][] = [
  [/^(int|Optional\[int\])$/, 'int'],
  [/^(float|Optional\[float\])$/, 'float'],
  [/^(str|Optional\[str\])$/, 'str'],
  [/^(bytes|bytearray|Optional\[bytes\])$/, 'bytes'],
  [/^bool$/, 'bool'],
  [/^(list|List|Sequence|Iterable|tuple|Tuple)(\[.*\])?$/, 'list'],
  [/^(dict|Dict|Mapping)(\[.*\])?$/, 'dict'],
];

const NAME_TYPES: [RegExp, PyType][] = [
  [/^(n|i|j|k|count|num|number|size|length|len|index|idx|port|age|limit|offset|id|.*_id|.*_count)$/i, 'int'],
  [/(ratio|rate|amount|price|temperature|score)$/i, 'float'],
  [/^(data|payload|raw|blob|buf|buffer|content_bytes)$/i, 'bytes'],
  [/^(is_|has_|should_|enable|flag)/i, 'bool'],
  [/(list|items|values|names|array|elements|rows)$/i, 'list'],
  [/(dict|map|mapping|config|options|headers|params)$/i, 'dict'],
];

/** The type an annotation names, when it names one of ours. */
export function annotationType(annotation: string): PyType | null {
  const text = annotation.trim();
  return ANNOTATION_TYPES.find(([pattern]) => pattern.test(text))?.[1] ?? null;
}

export function inferParamType(param: ParamInfo): PyType {
  const fromAnnotation = param.annotation ? annotationType(param.annotation) : null;
  if (fromAnnotation !== null) return fromAnnotation;
  const fromDefault = param.defaultRepr === null ? null : literalType(param.defaultRepr);
  if (fromDefault !== null && fromDefault !== 'none') return fromDefault;
  for (const [pattern, type] of NAME_TYPES) if (pattern.test(param.name)) return type;
  return 'str';
}

function literalType(repr: string): PyType | null {
  if (/^-?\d+$/.test(repr)) return 'int';
  if (/^-?\d*\.\d+(e-?\d+)?$/i.test(repr)) return 'float';
  if (/^(True|False)$/.test(repr)) return 'bool';
  if (repr === 'None') return 'none';
  if (/^b['"]/.test(repr)) return 'bytes';
  if (/^['"]/.test(repr)) return 'str';
  if (repr.startsWith('[') || repr.startsWith('(')) return 'list';
  if (repr.startsWith('{')) return 'dict';
  return null;
}

function typicalValues(type: PyType, name: string): FuzzValue[] {
  switch (type) {
    case 'int':
      return [
        { type: 'int', value: '1' },
        { type: 'int', value: '42' },
      ];
    case 'float':
      return [
        { type: 'float', value: 1.5 },
        { type: 'float', value: 100 },
      ];
    case 'str':
      return /path|file|dir|name/i.test(name)
        ? [
            { type: 'str', value: 'report.txt' },
            { type: 'str', value: 'data/notes.md' },
          ]
        : [
            { type: 'str', value: 'hello' },
            { type: 'str', value: 'Example input 123' },
          ];
    case 'bytes':
      return [
        { type: 'bytes', hex: '68656c6c6f' },
        { type: 'bytes', hex: '000102' },
      ];
    case 'bool':
      return [
        { type: 'bool', value: true },
        { type: 'bool', value: false },
      ];
    case 'none':
      return [{ type: 'none' }];
    case 'list':
      return [
        {
          type: 'list',
          items: [
            { type: 'int', value: '1' },
            { type: 'int', value: '2' },
          ],
        },
        { type: 'list', items: [{ type: 'str', value: 'a' }] },
      ];
    case 'dict':
      return [
        { type: 'dict', entries: [{ key: 'name', value: { type: 'str', value: 'alice' } }] },
        { type: 'dict', entries: [] },
      ];
  }
}

/**
 * Functions worth fuzzing: plain functions and methods with parameters, and Flask route handlers.
 * Other decorated functions may not be callable as written.
 */
export function fuzzableFunctions(functions: FunctionInfo[]): FunctionInfo[] {
  return callable(functions).filter((f) => f.params.some((p) => p.kind === 'positional'));
}

function callable(functions: FunctionInfo[]): FunctionInfo[] {
  return functions.filter((f) => !f.name.startsWith('_') && (f.route !== null || f.decorators.length === 0));
}

/** The name the harness runs a whole module by, as a program (entry 'module'). */
export const MODULE_TARGET = '<module>';

/**
 * When nothing takes input: a module with statements of its own runs as a program, with argv and
 * stdin as its input (its main() reads them there); else a function with no parameters runs as
 * it is. Either way the code is still executed.
 */
export function fallbackTargets(functions: FunctionInfo[], moduleCode: boolean): FunctionInfo[] {
  const param = (name: string, annotation: string) => ({ name, annotation, defaultRepr: null, kind: 'positional' as const });
  if (moduleCode)
    return [{ name: MODULE_TARGET, line: 1, params: [param('argv', 'List[str]'), param('stdin', 'str')], decorators: [], route: null }];
  // A keyword-only parameter without a literal default may be required: such a call would only fail.
  return callable(functions).filter(
    (f) => f.route === null && f.params.every((p) => p.kind !== 'positional' && (p.kind !== 'keyword-only' || p.defaultRepr !== null)),
  );
}

/** Without an LLM to choose: the last plain function (helpers usually come first), else the last method, else the last route. */
export function defaultTarget(candidates: FunctionInfo[]): FunctionInfo | undefined {
  const functions = candidates.filter((f) => f.route === null && !f.name.includes('.'));
  const methods = candidates.filter((f) => f.route === null && f.name.includes('.'));
  return [functions, methods, candidates].find((group) => group.length > 0)?.at(-1);
}

/** A list annotated as holding strings (argv, names) gets strings to mutate, not numbers. */
const STRING_ITEMS = /^(list|List|Sequence|Iterable|tuple|Tuple)\[str\]$/;

/** `stringItems`: seeds lists annotated as holding strings with strings (audits from before seeded numbers). */
export function seedsFromSignature(fn: FunctionInfo, stringItems: boolean): FuzzTarget {
  const positional = fn.params.filter((p) => p.kind === 'positional');
  const params = positional.map((p) => ({ name: p.name, type: inferParamType(p) }));
  const seeds = [0, 1].map((variant) => ({
    id: `s${variant + 1}`,
    args: params.map((p, i) => {
      const strings = stringItems && STRING_ITEMS.test(positional[i]?.annotation?.trim() ?? '');
      const values: FuzzValue[] = strings
        ? typicalValues('str', p.name).map((item) => ({ type: 'list', items: [item] }))
        : typicalValues(p.type, p.name);
      return values[variant] ?? values[0] ?? { type: 'none' as const };
    }),
  }));
  return { function: fn.name, entry: fn.route ? 'route' : fn.name === MODULE_TARGET ? 'module' : 'call', params, seeds };
}
