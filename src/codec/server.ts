import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { describeZodError } from '../common/zod-error.js';

/**
 * The codec endpoint the Temporal UI (and `temporal --codec-endpoint`) calls to show decrypted
 * payloads: POST /encode and /decode with `{payloads: [{metadata: {k: base64}, data: base64}]}`.
 * Whoever can call it can read the payloads, so every call carries a token, as a bearer token
 * (`Authorization: Bearer T`, for the CLI and scripts) or as the first part of the path
 * (`/t/T/decode`: the Web UI appends /decode to the endpoint it is given, and sends no header of
 * ours); it listens on loopback unless told otherwise, and answers browsers only from the UI's
 * origin.
 */

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const JsonPayloadSchema = z.object({
  metadata: z.record(z.string(), z.string()).optional(),
  data: z.string().optional(),
});
export const CodecRequestSchema = z.object({ payloads: z.array(JsonPayloadSchema) });
type JsonPayload = z.infer<typeof JsonPayloadSchema>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function fromJson(payload: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = Buffer.from(value).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The browser origin allowed to call (the Temporal UI's), e.g. http://127.0.0.1:8233. */
  allowedOrigin: string;
  /** What every call must present. */
  token: string;
}

/** Compares digests, so the time taken says nothing about how much of a guess was right. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function createCodecServer({ codec, allowedOrigin, token }: CodecServerOptions): Server {
  const origin = new URL(allowedOrigin).origin;
  return createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 400;
      send(response, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  function send(response: ServerResponse, status: number, body: unknown): void {
    if (response.headersSent) return;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.origin !== undefined) {
      if (request.headers.origin !== origin)
        throw new HttpError(403, `origin ${request.headers.origin} is not allowed: this endpoint answers ${origin}`);
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-allow-credentials', 'true');
      response.setHeader('vary', 'origin');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type, x-namespace, authorization',
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    let path = new URL(request.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
    const inPath = /^\/t\/([^/]+)(\/.*)?$/.exec(path);
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const presented = inPath?.[1] ?? bearer;
    if (presented === undefined || !sameToken(decodeURIComponent(presented), token)) {
      response.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(
        401,
        'this endpoint needs its token: Authorization: Bearer TOKEN, or the endpoint URL .../t/TOKEN (ASC_CODEC_TOKEN)',
      );
    }
    if (inPath) path = inPath[2] ?? '';
    const operation = path === '/encode' ? 'encode' : path === '/decode' ? 'decode' : null;
    if (!operation) throw new HttpError(404, `no route ${path || '/'}: POST /encode or /decode`);
    if (request.method !== 'POST') throw new HttpError(405, `${request.method ?? '?'} ${path}: use POST`);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `the request body is not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const parsed = CodecRequestSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, describeZodError(`the ${operation} request`, parsed.error));
    const payloads = parsed.data.payloads.map(fromJson);
    const result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    send(response, 200, { payloads: result.map(toJson) });
  }
}
