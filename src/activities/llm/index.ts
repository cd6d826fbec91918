import OpenAI from 'openai';
import { z } from 'zod';
import { failure } from '../../common/failures.js';
import { SANDBOX_LIMITS } from '../../common/sandbox.js';
import { MAX_REASKS } from '../../common/timeouts.js';
import { fromJson, PyTypeSchema } from '../../common/fuzz-value.js';
import { CweSchema, staticKind } from '../../common/cwe.js';
import {
  GenerateCodeInputSchema,
  ParamRoleSchema,
  RepairCodeInputSchema,
  ReviewCodeInputSchema,
  SeveritySchema,
  WriteSeedsInputSchema,
  type AgentCallMeta,
  type CodeResult,
  type Finding,
  type FunctionInfo,
  type FuzzTarget,
  type ReviewResult,
  type SeedsResult,
} from '../../common/schemas.js';
import { withHeartbeat } from '../heartbeat.js';
import { parseInput } from '../validate.js';
import { classifyLlmError } from './errors.js';
import { extractCode, extractJson } from './extract.js';
import {
  CODING_SYSTEM,
  FUZZ_SYSTEM,
  generatePrompt,
  REASK_NO_CODE,
  reaskBadJson,
  repairPrompt,
  REVIEW_SYSTEM,
  reviewPrompt,
  seedsPrompt,
} from './prompts.js';

export interface LlmDeps {
  client: OpenAI;
  /** For error messages: where the calls go. */
  endpoint: string;
}


type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Parse<T> = (answer: string) => { ok: true; value: T } | { ok: false; reask: string; problem: string };

/**
 * One agent conversation: ask, and re-ask with the reason while the answer is unusable. The
 * whole exchange is one activity attempt, so Temporal retries only transport faults.
 */
async function converse<T>(deps: LlmDeps, model: string, system: string, user: string, parse: Parse<T>): Promise<{ value: T; meta: AgentCallMeta }> {
  const messages: Message[] = [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
  const usage = { prompt: 0, completion: 0 };
  const started = Date.now();
  let lastProblem = '';
  for (let reasks = 0; reasks <= MAX_REASKS; reasks++) {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await withHeartbeat(() => deps.client.chat.completions.create({ model, messages }), () => ({ reasks }));
    } catch (error) {
      throw classifyLlmError(error, deps.endpoint, model);
    }
    usage.prompt += completion.usage?.prompt_tokens ?? 0;
    usage.completion += completion.usage?.completion_tokens ?? 0;
    const answer = completion.choices[0]?.message.content ?? '';
    const parsed = parse(answer);
    if (parsed.ok) {
      const transcript = [...messages, { role: 'assistant', content: answer }].map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : '' }));
      return { value: parsed.value, meta: { model, usage, durationMs: Date.now() - started, reasks, transcript } };
    }
    lastProblem = parsed.problem;
    messages.push({ role: 'assistant', content: answer }, { role: 'user', content: parsed.reask });
  }
  throw failure('LlmUnusableAnswer', `the model's answer was unusable after ${MAX_REASKS + 1} tries (${lastProblem}); try a stronger model (ASC_MODEL / --model)`);
}

const parseCode: Parse<string> = (answer) => {
  const code = extractCode(answer);
  return code !== null ? { ok: true, value: code } : { ok: false, reask: REASK_NO_CODE, problem: 'no code block' };
};

function parseJsonWith<T>(schema: z.ZodType<T>): Parse<T> {
  return (answer) => {
    const json = extractJson(answer);
    if (!json.ok) return { ok: false, reask: reaskBadJson(json.problem), problem: json.problem };
    const parsed = schema.safeParse(json.value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reask: reaskBadJson(problem), problem };
  };
}

/** What the Static Analyser agent must answer. Accepts "78" as well as "CWE-78"; triage must name the tool findings it was shown. */
function reviewAnswerSchema(toolFindings: number) {
  return z
    .object({
      findings: z.array(
        z.object({
          cwe: z.union([z.string(), z.number()]).transform((v) => (/^\d+$/.test(String(v)) ? `CWE-${v}` : String(v).toUpperCase())).pipe(CweSchema),
          line: z.number().int().nullable().optional(),
          severity: z.string().toUpperCase().pipe(SeveritySchema).catch('MEDIUM'),
          description: z.string().min(1),
          fix: z.string().optional(),
        }),
      ),
      triage: z.array(z.object({ finding: z.number().int(), verdict: z.enum(['confirmed', 'dismissed']), reason: z.string().min(1).max(1_000) })).default([]),
    })
    .superRefine((answer, ctx) => {
      answer.triage.forEach((t, i) => {
        if (t.finding < 1 || t.finding > toolFindings) ctx.addIssue({ code: 'custom', path: ['triage', i, 'finding'], message: `finding ${t.finding}: there are ${toolFindings} tool findings, numbered from 1` });
      });
    });
}

/** What the Fuzzing agent must answer; checked against the code's real functions. */
function seedsAnswerSchema(functions: FunctionInfo[]) {
  return z
    .object({
      function: z.string(),
      params: z.array(z.object({ name: z.string(), type: PyTypeSchema, role: ParamRoleSchema.optional() })),
      seeds: z.array(z.array(z.unknown())).min(1),
    })
    .transform((answer, ctx): FuzzTarget => {
      const fn = functions.find((f) => f.name === answer.function);
      if (!fn) {
        ctx.addIssue({ code: 'custom', path: ['function'], message: `no function "${answer.function}" in the code; choose one of ${functions.map((f) => f.name).join(', ')}` });
        return z.NEVER;
      }
      const positional = fn.params.filter((p) => p.kind === 'positional').length;
      if (answer.params.length !== positional) {
        ctx.addIssue({ code: 'custom', path: ['params'], message: `${fn.name} takes ${positional} positional parameters, the answer declares ${answer.params.length}` });
        return z.NEVER;
      }
      const seeds: FuzzTarget['seeds'] = [];
      for (const [i, seed] of answer.seeds.entries()) {
        if (seed.length !== answer.params.length) {
          ctx.addIssue({ code: 'custom', path: ['seeds', i], message: `has ${seed.length} values for ${answer.params.length} parameters` });
          return z.NEVER;
        }
        let args: FuzzTarget['seeds'][number]['args'];
        try {
          args = seed.map((v, j) => fromJson(v, answer.params[j]?.type ?? null, `seeds[${i}][${j}]`));
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['seeds', i], message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
        const chars = JSON.stringify(args).length;
        if (chars > SANDBOX_LIMITS.maxInputChars) {
          ctx.addIssue({ code: 'custom', path: ['seeds', i], message: `takes ${chars} characters; keep each seed under ${SANDBOX_LIMITS.maxInputChars} (mutation makes large inputs from small ones)` });
          return z.NEVER;
        }
        seeds.push({ id: `s${i + 1}`, args });
      }
      return { function: answer.function, entry: fn.route ? 'route' : 'call', params: answer.params, seeds };
    });
}

/** Activities of the llm queue: the Coding, Static Analyser and Fuzzing agents. */
export function createLlmActivities(deps: LlmDeps) {
  return {
    generateCode: async (input: z.input<typeof GenerateCodeInputSchema>): Promise<CodeResult> => {
      const { model, prompt } = parseInput(GenerateCodeInputSchema, input, 'generateCode input');
      const { value, meta } = await converse(deps, model, CODING_SYSTEM, generatePrompt(prompt), parseCode);
      return { code: value, meta };
    },

    repairCode: async (input: z.input<typeof RepairCodeInputSchema>): Promise<CodeResult> => {
      const { model, task, code, feedback } = parseInput(RepairCodeInputSchema, input, 'repairCode input');
      const { value, meta } = await converse(deps, model, CODING_SYSTEM, repairPrompt(task, code, feedback), parseCode);
      return { code: value, meta };
    },

    reviewCode: async (input: z.input<typeof ReviewCodeInputSchema>): Promise<ReviewResult> => {
      const { model, code, toolFindings } = parseInput(ReviewCodeInputSchema, input, 'reviewCode input');
      const { value, meta } = await converse(deps, model, REVIEW_SYSTEM, reviewPrompt(code, toolFindings), parseJsonWith(reviewAnswerSchema(toolFindings.length)));
      const findings = value.findings.map(
        (f): Finding => ({
          kind: staticKind(f.cwe),
          source: 'static-agent',
          ruleId: 'llm-review',
          cwe: f.cwe,
          line: f.line ?? null,
          severity: f.severity,
          confidence: 'MEDIUM',
          message: f.description,
          fix: f.fix ?? null,
          triage: null,
          alsoFoundBy: [],
        }),
      );
      return { findings, triage: value.triage, meta };
    },

    writeSeeds: async (input: z.input<typeof WriteSeedsInputSchema>): Promise<SeedsResult> => {
      const { model, code, functions } = parseInput(WriteSeedsInputSchema, input, 'writeSeeds input');
      const { value, meta } = await converse(deps, model, FUZZ_SYSTEM, seedsPrompt(code, functions), parseJsonWith(seedsAnswerSchema(functions)));
      return { target: value, meta };
    },
  };
}

export type LlmActivities = ReturnType<typeof createLlmActivities>;

/** The openai client for any OpenAI-compatible endpoint; its own retries are off (Temporal retries). */
export function createLlmClient(options: { baseURL: string | undefined; apiKey: string | undefined; timeoutS: number }): OpenAI {
  return new OpenAI({
    baseURL: options.baseURL,
    // Local servers (vLLM, Ollama) take any key; the client insists on one.
    apiKey: options.apiKey ?? 'not-needed',
    maxRetries: 0,
    timeout: options.timeoutS * 1000,
  });
}
