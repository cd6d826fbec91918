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
}

export type Reply = string | { status: number; body?: unknown; headers?: Record<string, string> } | { delayMs: number; content: string };

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

function completion(model: string, content: string, promptText: string) {
  const tokens = (text: string) => Math.ceil(text.length / 4);
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: tokens(promptText), completion_tokens: tokens(content), total_tokens: tokens(promptText) + tokens(content) },
  };
}

export class ScriptedLlm {
  readonly requests: ChatRequest[] = [];
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
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as { model: string; messages: { role: string; content: string }[] };
    const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
    const agent = agentOf(system);
    const user = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const request: ChatRequest = { agent, model: body.model, user, messages: body.messages, nth: this.count(agent) };
    this.requests.push(request);
    const reply = this.responder(request);
    if (typeof reply === 'string' || 'delayMs' in reply) {
      const content = typeof reply === 'string' ? reply : reply.content;
      if (typeof reply !== 'string') await new Promise((r) => setTimeout(r, reply.delayMs));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(body.model, content, body.messages.map((m) => m.content).join('\n'))));
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body ?? { error: { message: `scripted HTTP ${reply.status}` } }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Helpers that answer like a model would. */
export const answer = {
  code: (code: string) => `Here is the code.\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`,
  findings: (findings: { cwe: string; line: number; description: string; fix?: string; severity?: string }[]) => JSON.stringify({ findings }),
  seeds: (fn: string, params: { name: string; type: string }[], seeds: unknown[][]) => `\`\`\`json\n${JSON.stringify({ function: fn, params, seeds })}\n\`\`\``,
};
