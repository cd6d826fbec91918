import { InspectResultSchema, type InspectResult } from '../../common/schemas.js';
import { analysis, type RunContext } from '../steps.js';

/** Parses the code with Python's own parser (never running it): its syntax error, its functions. */
export function parse({ ledger }: RunContext, code: string, action: string): Promise<InspectResult> {
  return ledger.step({
    agent: 'inspector',
    action,
    activity: analysis.inspectCode,
    args: [code],
    // Parses recorded before the module flag read without it.
    result: InspectResultSchema,
    describe: (r) => (r.syntaxError ? `syntax error at line ${r.syntaxError.line ?? '?'}` : `${r.functions.length} function(s)`),
  });
}

/** Model-written code that does not parse goes back to the Coding agent, at most twice. */
export async function repairUntilParses(ctx: RunContext, code: string, context: string): Promise<{ code: string; info: InspectResult }> {
  let info = await parse(ctx, code, `${context}: parse`);
  for (let attempt = 1; info.syntaxError && attempt <= 2; attempt++) {
    const repaired = await ctx.agents.repair(code, { kind: 'syntax', line: info.syntaxError.line, message: info.syntaxError.message }, `${context}: repair syntax error (${attempt})`);
    if (repaired === null) break;
    code = repaired;
    info = await parse(ctx, code, `${context}: parse repair ${attempt}`);
  }
  return { code, info };
}
