import { InspectResultSchema, type InspectResult } from '../../common/schemas/index.js';
import { analysis } from '../proxies.js';
import type { RunContext } from '../run-context.js';
import { hasPatch } from '../patches.js';

/**
 * Parses the code with Python's own parser (never running it): its syntax error, its functions.
 * Code parsed before in the run (audited code the fuzzing phase reads again) is not parsed
 * again; runs from before `parse-once` parsed it each time.
 */
export async function parse(ctx: RunContext, code: string, action: string): Promise<InspectResult> {
  const known = ctx.parsed.get(code);
  if (known && hasPatch('parse-once')) return known;
  const info = await ctx.ledger.step({
    agent: 'inspector',
    action,
    activity: analysis.inspectCode,
    args: [code],
    // Parses recorded before the module flag read without it.
    result: InspectResultSchema,
    describe: (r) => (r.syntaxError ? `syntax error at line ${r.syntaxError.line ?? '?'}` : `${r.functions.length} function(s)`),
  });
  ctx.parsed.set(code, info);
  return info;
}

/** Model-written code that does not parse goes back to the Coding agent, at most twice. */
export async function repairUntilParses(ctx: RunContext, code: string, context: string): Promise<{ code: string; info: InspectResult }> {
  let info = await parse(ctx, code, `${context}: parse`);
  for (let attempt = 1; info.syntaxError && attempt <= 2; attempt++) {
    const repaired = await ctx.agents.repair(
      code,
      { kind: 'syntax', line: info.syntaxError.line, message: info.syntaxError.message },
      `${context}: repair syntax error (${attempt})`,
    );
    if (repaired === null) break;
    code = repaired;
    info = await parse(ctx, code, `${context}: parse repair ${attempt}`);
  }
  return { code, info };
}
