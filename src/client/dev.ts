import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { keyFromEnv } from '../codec/aes-gcm.js';
import { llmConfigured, type Env } from '../common/config.js';
import { codecToken, serveCodecEndpoint, type CodecEndpoint } from './codec-endpoint.js';
import { localQueues, runWorkers } from '../workers/main.js';

/** Waits until a Temporal frontend answers at `address`, at most `timeoutMs`. */
export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1 second' });
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(
          `Temporal did not answer at ${address} within ${timeoutMs / 1000} s: ${error instanceof Error ? error.message : String(error)}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * The local stack: the Temporal dev server with a persistent database file and its Web UI,
 * and all workers in this process. Ctrl-C stops both.
 */
export async function runDevStack(env: Env): Promise<number> {
  const dataDir = resolve(env.ASC_DATA);
  mkdirSync(dataDir, { recursive: true });
  const [host, port] = env.TEMPORAL_ADDRESS.split(':');
  const uiPort = new URL(env.TEMPORAL_UI_URL).port || '8233';
  // With encrypted payloads the UI shows plaintext only through our codec endpoint.
  // Without a configured token, a fresh one each start: only this UI, given it in the URL, holds it.
  const codec: CodecEndpoint | null = keyFromEnv(env)
    ? await serveCodecEndpoint(env, '127.0.0.1', env.ASC_CODEC_PORT, codecToken(env, true))
    : null;
  const server = spawn(
    env.ASC_TEMPORAL_CLI,
    [
      ...[
        'server',
        'start-dev',
        '--db-filename',
        join(dataDir, 'temporal.db'),
        '--ip',
        host ?? '127.0.0.1',
        '--port',
        port ?? '7233',
        '--ui-port',
        uiPort,
        '--log-level',
        'warn',
      ],
      ...(codec ? ['--ui-codec-endpoint', codec.uiEndpoint] : []),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const serverExit = new Promise<number>((resolveExit) => server.on('exit', (code) => resolveExit(code ?? 1)));
  server.on('error', (error) =>
    console.error(`cannot start ${env.ASC_TEMPORAL_CLI}: ${error.message}; run scripts/setup.sh or set ASC_TEMPORAL_CLI`),
  );
  try {
    await Promise.race([
      waitForTemporal(env.TEMPORAL_ADDRESS, 60_000),
      serverExit.then((code) => Promise.reject(new Error(`the Temporal dev server exited with code ${code}`))),
    ]);
    console.log(`Temporal dev server at ${env.TEMPORAL_ADDRESS}, Web UI at ${env.TEMPORAL_UI_URL} (data in ${dataDir})`);
    if (codec)
      console.log(
        `payloads encrypted (key ${codec.keyId}); the Web UI decrypts them through ${codec.url} (its token is in the UI's codec endpoint)`,
      );
    if (!llmConfigured(env)) console.log('No LLM configured (OPENAI_BASE_URL / OPENAI_API_KEY): runs are audits, without repair.');
    await runWorkers(localQueues(env));
    return 0;
  } finally {
    server.kill('SIGTERM');
    codec?.server.close();
    await serverExit;
  }
}
