import { Context } from '@temporalio/activity';
import OpenAI from 'openai';
import { z } from 'zod';
import { failure } from '../../common/failures.js';
import { SANDBOX_LIMITS } from '../../common/sandbox.js';
import { MAX_REASKS } from '../../common/timeouts.js';
import { fromJson, PyTypeSchema } from '../../common/fuzz-value.js';
import { CweSchema, staticKind } from '../../common/cwe.js';
import {
  CallSpendSchema,
  GenerateCodeInputSchema,
  ParamRoleSchema,
  RepairCodeInputSchema,
  ReviewCodeInputSchema,
  SeveritySchema,
  WriteSeedsInputSchema,
  type AgentCallMeta,
  type CallLimit,
  type CallSpend,
  type CodeResult,
  type Finding,
  type FunctionInfo,
  type FuzzTarget,
  type ReviewResult,
  type SeedsResult,
} from '../../common/schemas/index.js';
import { withHeartbeat } from '../heartbeat.js';
import { parseInput } from '../validate.js';
import { classifyLlmError } from './errors.js';
import { extractCode, extractJson } from './extract.js';
import {
  CODING_SYSTEM,
  FUZZ_SYSTEM,
  generatePrompt,
  REASK_EMPTY,
  REASK_NO_CODE,
  REASK_REFUSED,
  REASK_TRUNCATED,
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
  /**
   * `auto`: ask the Static Analyser and Fuzzing agents for JSON with a JSON schema (structured
   * outputs), and stop asking an endpoint that refuses the field; `off`: never send it.
   */
  structuredOutputs: 'auto' | 'off';
}

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Parse<T> = (answer: string) => { ok: true; value: T } | { ok: false; reask: string; problem: string };
/** The JSON schema an answer must follow, for endpoints with structured outputs. */
interface AnswerFormat {
  name: string;
  schema: Record<string, unknown>;
}

/** Endpoints and models (in this worker) that refused `response_format`: asked free-form from then on. */
const noStructuredOutputs = new Set<string>();

/** The answer of one completion, or why it cannot be used whatever it says. */
type Answer = { kind: 'text'; text: string } | { kind: 'truncated' | 'empty' } | { kind: 'refused'; why: string };

function readChoice(completion: OpenAI.Chat.Completions.ChatCompletion): Answer {
  const choice = completion.choices[0];
  const text = choice?.message.content ?? '';
  const refusal = choice?.message.refusal;
  if (refusal) return { kind: 'refused', why: refusal };
  if (choice?.finish_reason === 'content_filter') return { kind: 'refused', why: "the endpoint's content filter stopped the answer" };
  // A cut-off answer is never parsed: a module cut mid-function can still compile.
  if (choice?.finish_reason === 'length') return { kind: 'truncated' };
  return text.trim() ? { kind: 'text', text } : { kind: 'empty' };
}

/** How a conversation ended when no answer was usable: the failure names the last reason. */
function unusable(last: Answer | null, problem: string, tries: number, limited: string | null, spend: CallSpend, model: string) {
  const details = [spend];
  const after = `after ${tries} tr${tries === 1 ? 'y' : 'ies'}${limited ? ` (${limited})` : ''}`;
  switch (last?.kind) {
    case 'truncated':
      return failure(
        'LlmTruncated',
        `the model's answer was cut off at its output limit (finish_reason "length") ${after}; raise the endpoint's output-token limit or use a model with a larger one`,
        { details },
      );
    case 'empty':
      return failure(
        'LlmEmptyAnswer',
        `the model's answer was empty ${after}; check that model "${model}" is a chat model and that the endpoint serves it`,
        { details },
      );
    case 'refused':
      return failure(
        'LlmRefusal',
        `the model refused to answer ${after}: "${last.why.slice(0, 300)}"; a model with a less restrictive policy may answer`,
        { details },
      );
    default:
      return failure(
        'LlmUnusableAnswer',
        `the model's answer was unusable ${after} (${problem}); try a stronger model (ASC_MODEL / --model)`,
        { details },
      );
  }
}

/**
 * One agent conversation: ask, and re-ask with the reason while the answer is unusable (no
 * code, bad JSON, cut off, empty, refused). The whole exchange is one activity attempt, so
 * Temporal retries only transport faults. Re-asks stop at the run's budget; what was spent is
 * reported even when the answer stays unusable (in the failure's details).
 */
async function converse<T>(
  deps: LlmDeps,
  model: string,
  system: string,
  user: string,
  parse: Parse<T>,
  options: { format?: AnswerFormat; limit?: CallLimit | undefined } = {},
): Promise<{ value: T; meta: AgentCallMeta }> {
  const messages: Message[] = [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
  // What earlier attempts of this call spent before a transport fault (their last heartbeat) counts too.
  const spend: CallSpend = structuredClone(carriedSpend());
  const started = Date.now();
  const key = `${deps.endpoint} ${model}`;
  let structured = options.format !== undefined && deps.structuredOutputs === 'auto' && !noStructuredOutputs.has(key);
  const maxCalls = Math.min(spend.calls + MAX_REASKS + 1, options.limit?.calls ?? Infinity);
  let tries = 0;
  let last: Answer | null = null;
  let problem = '';
  let limited: string | null = null;
  while (spend.calls < maxCalls) {
    if (spend.calls > 0 && options.limit?.tokens != null && spend.usage.prompt + spend.usage.completion >= options.limit.tokens) {
      limited = 'the budget allows no more tokens';
      break;
    }
    const completion = await complete(deps, model, messages, structured ? options.format : undefined, spend, tries).catch(
      (error: unknown) => {
        // An endpoint without structured outputs refuses the field: ask it free-form from now on.
        if (structured && error instanceof OpenAI.APIError && (error.status === 400 || error.status === 422)) return null;
        throw classifyLlmError(error, deps.endpoint, model, spend);
      },
    );
    if (completion === null) {
      noStructuredOutputs.add(key);
      structured = false;
      continue;
    }
    spend.calls++;
    tries++;
    spend.usage.prompt += completion.usage?.prompt_tokens ?? 0;
    spend.usage.completion += completion.usage?.completion_tokens ?? 0;
    last = readChoice(completion);
    let reask: string;
    if (last.kind === 'text') {
      const parsed = parse(last.text);
      if (parsed.ok) {
        const transcript = [...messages, { role: 'assistant', content: last.text }].map((m) => ({
          role: m.role,
          content: typeof m.content === 'string' ? m.content : '',
        }));
        return {
          value: parsed.value,
          meta: {
            model,
            usage: spend.usage,
            calls: spend.calls,
            structured,
            durationMs: Date.now() - started,
            reasks: tries - 1,
            transcript,
          },
        };
      }
      ({ reask, problem } = parsed);
    } else reask = last.kind === 'truncated' ? REASK_TRUNCATED : last.kind === 'empty' ? REASK_EMPTY : REASK_REFUSED;
    messages.push({ role: 'assistant', content: completion.choices[0]?.message.content ?? '' }, { role: 'user', content: reask });
  }
  if (tries < MAX_REASKS + 1 && limited === null) limited = 'the budget allows no more calls';
  throw unusable(last, problem, tries, limited, spend, model);
}

/** The heartbeat of an agent call: its re-asks, and what it has spent (read back by a retried attempt). */
const CallHeartbeatSchema = z.object({ reasks: z.number().int(), spent: CallSpendSchema });

function carriedSpend(): CallSpend {
  const previous = CallHeartbeatSchema.safeParse(Context.current().info.heartbeatDetails);
  return previous.success ? previous.data.spent : { calls: 0, usage: { prompt: 0, completion: 0 } };
}

function complete(
  deps: LlmDeps,
  model: string,
  messages: Message[],
  format: AnswerFormat | undefined,
  spend: CallSpend,
  tries: number,
): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  // Not strict: the seeds' values are of any JSON type, which strict schemas cannot say.
  const responseFormat = format
    ? { response_format: { type: 'json_schema' as const, json_schema: { name: format.name, schema: format.schema, strict: false } } }
    : {};
  return withHeartbeat(
    () => deps.client.chat.completions.create({ model, messages, ...responseFormat }),
    () => ({ reasks: Math.max(0, tries - 1), spent: structuredClone(spend) }),
  );
}

const parseCode: Parse<string> = (answer) => {
  const code = extractCode(answer);
  return code !== null ? { ok: true, value: code } : { ok: false, reask: REASK_NO_CODE, problem: 'no code block' };
};

/** The first JSON object of the answer that the schema accepts; else the reason the likeliest one was refused. */
function parseJsonWith<T>(schema: z.ZodType<T>): Parse<T> {
  return (answer) => {
    const json = extractJson(answer);
    if (!json.ok) return { ok: false, reask: reaskBadJson(json.problem), problem: json.problem };
    let problem = '';
    for (const value of json.values) {
      const parsed = schema.safeParse(value);
      if (parsed.success) return { ok: true, value: parsed.data };
      problem ||= parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    }
    return { ok: false, reask: reaskBadJson(problem), problem };
  };
}

/** A zod schema as the JSON schema an endpoint's structured outputs take (what the model writes, before our transforms). */
function answerFormat(name: string, schema: z.ZodType): AnswerFormat {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  // Endpoints take the schema itself, without the draft it is written in.
  delete json.$schema;
  return { name, schema: json };
}

/** What the Static Analyser agent must answer. Accepts "78" as well as "CWE-78"; triage must name the tool findings it was shown. */
function reviewAnswerSchema(toolFindings: number) {
  return z
    .object({
      findings: z.array(
        z.object({
          cwe: z
            .union([z.string(), z.number()])
            .transform((v) => (/^\d+$/.test(String(v)) ? `CWE-${v}` : String(v).toUpperCase()))
            .pipe(CweSchema),
          line: z.number().int().nullable().optional(),
          severity: z.string().toUpperCase().pipe(SeveritySchema).catch('MEDIUM'),
          description: z.string().min(1),
          fix: z.string().optional(),
        }),
      ),
      triage: z
        .array(z.object({ finding: z.number().int(), verdict: z.enum(['confirmed', 'dismissed']), reason: z.string().min(1).max(1_000) }))
        .default([]),
    })
    .superRefine((answer, ctx) => {
      answer.triage.forEach((t, i) => {
        if (t.finding < 1 || t.finding > toolFindings)
          ctx.addIssue({
            code: 'custom',
            path: ['triage', i, 'finding'],
            message: `finding ${t.finding}: there are ${toolFindings} tool findings, numbered from 1`,
          });
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
        ctx.addIssue({
          code: 'custom',
          path: ['function'],
          message: `no function "${answer.function}" in the code; choose one of ${functions.map((f) => f.name).join(', ')}`,
        });
        return z.NEVER;
      }
      const positional = fn.params.filter((p) => p.kind === 'positional').length;
      if (answer.params.length !== positional) {
        ctx.addIssue({
          code: 'custom',
          path: ['params'],
          message: `${fn.name} takes ${positional} positional parameters, the answer declares ${answer.params.length}`,
        });
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
          ctx.addIssue({
            code: 'custom',
            path: ['seeds', i],
            message: `takes ${chars} characters; keep each seed under ${SANDBOX_LIMITS.maxInputChars} (mutation makes large inputs from small ones)`,
          });
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
      const { model, prompt, limit } = parseInput(GenerateCodeInputSchema, input, 'generateCode input');
      const { value, meta } = await converse(deps, model, CODING_SYSTEM, generatePrompt(prompt), parseCode, { limit });
      return { code: value, meta };
    },

    repairCode: async (input: z.input<typeof RepairCodeInputSchema>): Promise<CodeResult> => {
      const { model, task, code, feedback, limit } = parseInput(RepairCodeInputSchema, input, 'repairCode input');
      const { value, meta } = await converse(deps, model, CODING_SYSTEM, repairPrompt(task, code, feedback), parseCode, { limit });
      return { code: value, meta };
    },

    reviewCode: async (input: z.input<typeof ReviewCodeInputSchema>): Promise<ReviewResult> => {
      const { model, code, toolFindings, limit } = parseInput(ReviewCodeInputSchema, input, 'reviewCode input');
      const schema = reviewAnswerSchema(toolFindings.length);
      const { value, meta } = await converse(deps, model, REVIEW_SYSTEM, reviewPrompt(code, toolFindings), parseJsonWith(schema), {
        format: answerFormat('security_review', schema),
        limit,
      });
      const findings = value.findings.map((f): Finding => ({
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
      }));
      return { findings, triage: value.triage, meta };
    },

    writeSeeds: async (input: z.input<typeof WriteSeedsInputSchema>): Promise<SeedsResult> => {
      const { model, code, functions, limit } = parseInput(WriteSeedsInputSchema, input, 'writeSeeds input');
      const schema = seedsAnswerSchema(functions);
      const { value, meta } = await converse(deps, model, FUZZ_SYSTEM, seedsPrompt(code, functions), parseJsonWith(schema), {
        format: answerFormat('fuzz_seeds', schema),
        limit,
      });
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
