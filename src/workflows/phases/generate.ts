import { failure } from '../../common/failures.js';
import type { RunContext } from '../run-context.js';
import { parse, repairUntilParses } from './parse.js';

export interface Written {
  /** The code as written by the Coding agent, or as given. */
  initialCode: string;
  /** The same code once it parses (model-written code may have had its syntax repaired). */
  code: string;
}

/** Phase 1: the Coding agent writes the code, unless code was given; either way it must parse. */
export async function generatePhase(ctx: RunContext): Promise<Written> {
  const { request, ledger } = ctx;
  if (request.prompt !== undefined) {
    ledger.progress.phase = 'generating';
    const initialCode = await ctx.agents.generate(request.prompt);
    // Code the model wrote may be repaired; code the user gave is theirs to fix.
    const checked = await repairUntilParses(ctx, initialCode, 'check input');
    if (checked.info.syntaxError) throw doesNotParse('the code the model wrote', checked.info.syntaxError);
    return { initialCode, code: checked.code };
  }
  const code = request.code ?? '';
  const info = await parse(ctx, code, 'check input: parse');
  if (info.syntaxError) throw doesNotParse(`the code in ${request.source}`, info.syntaxError);
  return { initialCode: code, code };
}

function doesNotParse(whose: string, error: { line: number | null; message: string }) {
  const where = error.line !== null ? ` at line ${error.line}` : '';
  return failure('SyntaxError', `${whose} does not parse${where}: ${error.message}; fix the syntax and submit it again`);
}
