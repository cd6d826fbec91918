import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

/**
 * AES-256-GCM payload codec: every payload (workflow input, activity arguments and results,
 * code, prompts, answers) is encrypted before it leaves the process, so Temporal stores only
 * ciphertext. The whole payload, metadata included, is sealed; the outer payload names the key.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// The package is CommonJS: its namespaces come through the default export.
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class CodecKeyError extends Error {}

/** A 256-bit key and a short id derived from it, which is safe to store beside the ciphertext. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

export function codecKey(key: Buffer, source: string): CodecKey {
  if (key.length !== 32)
    throw new CodecKeyError(`${source}: an AES-256 key is 32 bytes, this one is ${key.length}; make one with \`openssl rand -base64 32\``);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** Accepts 32 raw bytes, or 32 bytes written as base64 or hex (what `openssl rand` prints). */
function parseKey(raw: Buffer, source: string): CodecKey {
  if (raw.length === 32) return codecKey(raw, source);
  const text = raw.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return codecKey(Buffer.from(text, 'hex'), source);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return codecKey(Buffer.from(text, 'base64'), source);
  throw new CodecKeyError(`${source}: not a key; give 32 bytes as base64 or hex (\`openssl rand -base64 32\`)`);
}

/** The key from ASC_CODEC_KEY (base64 or hex) or the file ASC_CODEC_KEY_FILE; null when neither is set. */
export function keyFromEnv(env: { ASC_CODEC_KEY?: string | undefined; ASC_CODEC_KEY_FILE?: string | undefined }): CodecKey | null {
  if (env.ASC_CODEC_KEY !== undefined && env.ASC_CODEC_KEY_FILE !== undefined) {
    throw new CodecKeyError('both ASC_CODEC_KEY and ASC_CODEC_KEY_FILE are set: keep one');
  }
  if (env.ASC_CODEC_KEY !== undefined) return parseKey(Buffer.from(env.ASC_CODEC_KEY, 'utf8'), 'ASC_CODEC_KEY');
  if (env.ASC_CODEC_KEY_FILE !== undefined) {
    let raw: Buffer;
    try {
      raw = readFileSync(env.ASC_CODEC_KEY_FILE);
    } catch (error) {
      throw new CodecKeyError(
        `ASC_CODEC_KEY_FILE ${env.ASC_CODEC_KEY_FILE}: cannot read it (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    return parseKey(raw, `ASC_CODEC_KEY_FILE ${env.ASC_CODEC_KEY_FILE}`);
  }
  return null;
}

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly key: CodecKey) {}

  get keyId(): string {
    return this.key.id;
  }

  // Errors must reach callers as rejections, like any codec's.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.seal(payload))));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.open(payload))));
  }

  private seal(payload: Payload): Payload {
    const plain = PayloadMessage.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key.key, iv);
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(this.key.id) },
      data: new Uint8Array(sealed),
    };
  }

  private open(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    // Payloads written before the codec was switched on stay readable.
    if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const keyId = idBytes ? decoder.decode(idBytes) : '(none)';
    if (keyId !== this.key.id) {
      throw new CodecKeyError(
        `a payload was encrypted with key ${keyId}, this process holds key ${this.key.id}: set ASC_CODEC_KEY or ASC_CODEC_KEY_FILE to the key the run was started with`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new CodecKeyError(`an encrypted payload is ${data.length} bytes, too short to be one: it was damaged`);
    const decipher = createDecipheriv('aes-256-gcm', this.key.key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new CodecKeyError(`an encrypted payload (key ${keyId}) fails authentication: it was altered or damaged`);
    }
    const decoded = PayloadMessage.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
