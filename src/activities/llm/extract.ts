/** Pulls code and JSON out of a model's free-form answer: prose around it, several blocks, comments in JSON. */

const FENCE = /```([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)```/g;
const CODE_START = /^\s*(import |from |def |class |async def |@|#)/;

/**
 * The module in an answer: the longest ```python block (or unlabelled one, when none is
 * labelled), since models add short usage examples and snippets beside the whole module; or the
 * whole answer when it is plainly code.
 */
export function extractCode(answer: string): string | null {
  const labelled: string[] = [];
  const unlabelled: string[] = [];
  for (const match of answer.matchAll(FENCE)) {
    const lang = (match[1] ?? '').toLowerCase();
    const body = (match[2] ?? '').trimEnd();
    if (!body.trim()) continue;
    if (lang === 'python' || lang === 'py' || lang === 'python3') labelled.push(body);
    else if (lang === '') unlabelled.push(body);
  }
  const blocks = labelled.length > 0 ? labelled : unlabelled;
  // The first of equally long blocks wins: reduce keeps the earlier on ties.
  if (blocks.length > 0) return blocks.reduce((best, block) => (block.length > best.length ? block : best)) + '\n';
  return CODE_START.test(answer) && !answer.includes('```') ? answer.trimEnd() + '\n' : null;
}

/** The balanced `{…}` spans of a text, outermost only, skipping braces inside JSON strings. */
function objectSpans(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) spans.push(text.slice(start, i + 1));
    }
  }
  return spans;
}

/** JSON as models write it by hand: `//` and `/* *\/` comments and trailing commas removed (outside strings). */
function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

export type JsonCandidates = { ok: true; values: unknown[] } | { ok: false; problem: string };

/**
 * Every JSON object an answer holds, most likely first: the bodies of ```json fences, then the
 * other balanced objects in the text. The caller keeps the first its schema accepts, so an
 * example object in the prose does not hide the answer.
 */
export function extractJson(answer: string): JsonCandidates {
  const fenced = [...answer.matchAll(FENCE)]
    .filter((m) => ['json', 'jsonc', ''].includes((m[1] ?? '').toLowerCase()))
    .flatMap((m) => objectSpans(m[2] ?? ''));
  const spans = [...new Set([...fenced, ...objectSpans(answer)])];
  if (spans.length === 0) return { ok: false, problem: 'no JSON object found' };
  const values: unknown[] = [];
  let firstError: string | null = null;
  for (const span of spans) {
    for (const text of [span, withoutComments(span)]) {
      try {
        values.push(JSON.parse(text));
        break;
      } catch (error) {
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }
  return values.length > 0 ? { ok: true, values } : { ok: false, problem: `invalid JSON: ${firstError ?? 'unparseable'}` };
}
