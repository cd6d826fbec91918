import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { AesGcmCodec, keyFromEnv } from '../codec/aes-gcm.js';
import { createCodecServer } from '../codec/server.js';
import type { Env } from '../common/config.js';

export interface CodecEndpoint {
  /** Where it listens. */
  url: string;
  /** The endpoint to give the Web UI: the token travels in its path. */
  uiEndpoint: string;
  keyId: string;
  server: Server;
}

/** The endpoint's token: ASC_CODEC_TOKEN, else ASC_CODEC_TOKEN_FILE; a fresh random one when `generate`. */
export function codecToken(env: Env, generate: boolean): string {
  if (env.ASC_CODEC_TOKEN !== undefined && env.ASC_CODEC_TOKEN_FILE !== undefined)
    throw new Error('both ASC_CODEC_TOKEN and ASC_CODEC_TOKEN_FILE are set: keep one');
  if (env.ASC_CODEC_TOKEN !== undefined) return env.ASC_CODEC_TOKEN;
  if (env.ASC_CODEC_TOKEN_FILE !== undefined) {
    let token: string;
    try {
      token = readFileSync(env.ASC_CODEC_TOKEN_FILE, 'utf8').trim();
    } catch (error) {
      throw new Error(
        `ASC_CODEC_TOKEN_FILE ${env.ASC_CODEC_TOKEN_FILE}: cannot read it (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (token.length < 16)
      throw new Error(
        `ASC_CODEC_TOKEN_FILE ${env.ASC_CODEC_TOKEN_FILE}: the token has ${token.length} characters; use at least 16 (openssl rand -hex 32)`,
      );
    return token;
  }
  if (generate) return randomBytes(24).toString('hex');
  throw new Error(
    'the codec endpoint needs a token every caller must present: set ASC_CODEC_TOKEN (openssl rand -hex 32) or ASC_CODEC_TOKEN_FILE',
  );
}

/** Serves the codec endpoint for the Web UI at env.TEMPORAL_UI_URL, with the configured key and token. */
export async function serveCodecEndpoint(env: Env, host: string, port: number, token: string): Promise<CodecEndpoint> {
  const key = keyFromEnv(env);
  if (!key) throw new Error('the codec endpoint needs the payload key: set ASC_CODEC_KEY or ASC_CODEC_KEY_FILE (the key the workers use)');
  const server = createCodecServer({ codec: new AesGcmCodec(key), allowedOrigin: env.TEMPORAL_UI_URL, token });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`cannot listen on ${host}:${port} for the codec endpoint (${error.message}): set ASC_CODEC_PORT or --port`)),
    );
    server.listen(port, host, () => resolve());
  });
  const url = `http://${host}:${port}`;
  return { url, uiEndpoint: `${url}/t/${encodeURIComponent(token)}`, keyId: key.id, server };
}
