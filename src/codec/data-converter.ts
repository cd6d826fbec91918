import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, keyFromEnv } from './aes-gcm.js';

const ENCODED_FAILURES_PATH = fileURLToPath(new URL('./encoded-failures.js', import.meta.url));

export interface CodecEnv {
  ASC_CODEC_KEY?: string | undefined;
  ASC_CODEC_KEY_FILE?: string | undefined;
}

/**
 * The data converter every client and worker of a deployment must share: with a codec key,
 * payloads and failure messages are encrypted; without one, Temporal's defaults.
 */
export function dataConverterFromEnv(env: CodecEnv): DataConverter | undefined {
  const key = keyFromEnv(env);
  if (!key) return undefined;
  return { payloadCodecs: [new AesGcmCodec(key)], failureConverterPath: ENCODED_FAILURES_PATH };
}
