/** Pulls code and JSON out of a model's free-form answer. */

const FENCE = /```([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)```/g;
const CODE_START = /^\s*(import |from |def |class |async def |@|#)/;

/** The first ```python (or unlabelled) block; or the whole answer when it is plainly code. */
export function extractCode(answer: string): string | null {
  let unlabelled: string | null = null;
  for (const match of answer.matchAll(FENCE)) {
    const lang = (match[1] ?? '').toLowerCase();
    const body = match[2] ?? '';
    if ((lang === 'python' || lang === 'py') && body.trim()) return body.trimEnd() + '\n';
    if (lang === '' && unlabelled === null && body.trim()) unlabelled = body.trimEnd() + '\n';
  }
  if (unlabelled !== null) return unlabelled;
  return CODE_START.test(answer) && !answer.includes('```') ? answer.trimEnd() + '\n' : null;
}

/** The JSON object in an answer, with or without a ```json fence. */
export function extractJson(answer: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end < start) return { ok: false, problem: 'no JSON object found' };
  try {
    return { ok: true, value: JSON.parse(answer.slice(start, end + 1)) };
  } catch (error) {
    return { ok: false, problem: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
