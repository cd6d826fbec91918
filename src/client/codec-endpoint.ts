import type { Server } from 'node:http';
import { AesGcmCodec, keyFromEnv } from '../codec/aes-gcm.js';
import { createCodecServer } from '../codec/server.js';
import type { Env } from '../common/config.js';

export interface CodecEndpoint {
  url: string;
  keyId: string;
  server: Server;
}

/** Serves the codec endpoint for the Web UI at env.TEMPORAL_UI_URL, with the configured key. */
export async function serveCodecEndpoint(env: Env, host: string, port: number): Promise<CodecEndpoint> {
  const key = keyFromEnv(env);
  if (!key) throw new Error('the codec endpoint needs the payload key: set ASC_CODEC_KEY or ASC_CODEC_KEY_FILE (the key the workers use)');
  const server = createCodecServer({ codec: new AesGcmCodec(key), allowedOrigin: env.TEMPORAL_UI_URL });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${host}:${port} for the codec endpoint (${error.message}): set ASC_CODEC_PORT or --port`)));
    server.listen(port, host, () => resolve());
  });
  return { url: `http://${host}:${port}`, keyId: key.id, server };
}
