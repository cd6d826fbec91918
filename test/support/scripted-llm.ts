import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible server on 127.0.0.1: the one stand-in the tests allow. It speaks
 * POST /v1/chat/completions like a real endpoint, so the product's openai client talks to it
 * unchanged; a test scripts what "the model" answers and counts what it was asked.
 */

export type Agent = 'coding' | 'static-analyser' | 'fuzzing' | 'unknown';

export interface ChatRequest {
  agent: Agent;
  model: string;
  /** The last user message: the task, the code with its findings, or a re-ask. */
  user: string;
  messages: { role: string; content: string }[];
  /** Requests before this one that went to the same agent. */
  nth: number;
  /** The `response_format` the request asked for (structured outputs), when it did. */
  responseFormat: { type: string; json_schema?: { name: string; schema: Record<string, unknown> } } | null;
}

/**
 * What "the model" answers: its text; an HTTP error; or a completion as real endpoints send
 * them: late, cut off at the output limit (`finishReason: 'length'`), stopped by a content
 * filter, refused (the `refusal` field), or empty (`content: null`), with the usage it reports.
 */
export type Reply =
  | string
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | {
      content: string | null;
      delayMs?: number;
      finishReason?: 'stop' | 'length' | 'content_filter';
      refusal?: string;
      usage?: { prompt: number; completion: number };
    };

export type Responder = (request: ChatRequest) => Reply;

function agentOf(system: string): Agent {
  if (system.includes('Coding agent')) return 'coding';
  if (system.includes('Static Analyser agent')) return 'static-analyser';
  if (system.includes('Fuzzing agent')) return 'fuzzing';
  return 'unknown';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function completion(model: string, reply: Exclude<Reply, string | { status: number }>, promptText: string) {
  const tokens = (text: string) => Math.ceil(text.length / 4);
  const usage = reply.usage ?? { prompt: tokens(promptText), completion: tokens(reply.content ?? reply.refusal ?? '') };
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: reply.refusal ?? null },
        finish_reason: reply.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
  };
}

export class ScriptedLlm {
  readonly requests: ChatRequest[] = [];
  /** Answer a request with `response_format` HTTP 400, as endpoints without structured outputs do. */
  rejectStructuredOutputs = false;
  private responder: Responder;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    responder: Responder,
  ) {
    this.responder = responder;
  }

  static async start(responder: Responder): Promise<ScriptedLlm> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new ScriptedLlm(server, `http://127.0.0.1:${port}/v1`, responder);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      self.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error) } }));
      });
    });
    return self;
  }

  /** Scripts the next answers; the request log is kept. */
  script(responder: Responder): void {
    this.responder = responder;
  }

  count(agent: Agent): number {
    return this.requests.filter((r) => r.agent === agent).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as {
      model: string;
      messages: { role: string; content: string }[];
      response_format?: ChatRequest['responseFormat'];
    };
    if (body.response_format && this.rejectStructuredOutputs) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { message: 'response_format json_schema is not supported by this server', type: 'invalid_request_error' },
        }),
      );
      return;
    }
    const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
    const agent = agentOf(system);
    const user = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const request: ChatRequest = {
      agent,
      model: body.model,
      user,
      messages: body.messages,
      nth: this.count(agent),
      responseFormat: body.response_format ?? null,
    };
    this.requests.push(request);
    const reply = this.responder(request);
    if (typeof reply === 'string' || 'content' in reply) {
      const answer = typeof reply === 'string' ? { content: reply } : reply;
      if (answer.delayMs !== undefined) await new Promise((r) => setTimeout(r, answer.delayMs));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(completion(body.model, answer, body.messages.map((m) => m.content).join('\n'))));
      return;
    }
    res
      .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      .end(JSON.stringify(reply.body ?? { error: { message: `scripted HTTP ${reply.status}` } }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Helpers that answer like a model would. */
export const answer = {
  code: (code: string) => `Here is the code.\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`,
  findings: (findings: { cwe: string; line: number; description: string; fix?: string; severity?: string }[]) =>
    JSON.stringify({ findings }),
  seeds: (fn: string, params: { name: string; type: string }[], seeds: unknown[][]) =>
    `\`\`\`json\n${JSON.stringify({ function: fn, params, seeds })}\n\`\`\``,
};

/** Prose around the module, a shell block before it and a short usage example after it. */
function asRealCode(reply: string): string {
  const code = /```python\n([\s\S]*?)```/.exec(reply)?.[1];
  if (code === undefined) return reply;
  const fn = /def (\w+)\(/.exec(code)?.[1] ?? 'main';
  return [
    "Sure! Let's think about the risks first: untrusted input must never reach a shell or a path outside the intended directory.",
    '',
    'You will need nothing beyond the standard library:',
    '```bash\npython3 -m pip --version\n```',
    '',
    "Here's the complete, secure module:",
    '',
    '```python',
    code.trimEnd(),
    '```',
    '',
    'Example usage:',
    '```python',
    `print(${fn}("example"))`,
    '```',
    'Let me know if you want tests for it, e.g. {"case": 1}.',
  ].join('\n');
}

/** JSON in a ```json fence with a comment after it and a trailing comma, between prose with braces in it. */
function asRealJson(reply: string): string {
  const start = reply.indexOf('{');
  if (start < 0) return reply;
  let value: unknown;
  try {
    value = JSON.parse(reply.slice(start, reply.lastIndexOf('}') + 1));
  } catch {
    return reply;
  }
  const pretty = JSON.stringify(value, null, 2).replace(/\n\}$/, ',\n}');
  return `I reviewed it carefully. The shape you asked for is {"findings": [...]}; here it is:\n\n\`\`\`json\n${pretty}\n// end of answer\n\`\`\`\n\nEach entry above is my best judgement.`;
}

/**
 * The mode that answers like real models do, around a scripted model: the Coding agent's code
 * comes in prose with several code blocks, the other agents' JSON in a fence with a trailing
 * comment, and the first answer each agent gives in this mode is cut off at the output limit (so its re-ask is
 * what counts).
 */
export function likeRealModels(model: Responder): Responder {
  const cutOff = new Set<Agent>();
  return (req) => {
    if (!cutOff.has(req.agent)) {
      cutOff.add(req.agent);
      return { content: 'Here is the answer you asked for:\n\n```python\nimport os\n\ndef ', finishReason: 'length' };
    }
    const reply = model(req);
    if (typeof reply !== 'string') return reply;
    return req.agent === 'coding' ? asRealCode(reply) : asRealJson(reply);
  };
}
