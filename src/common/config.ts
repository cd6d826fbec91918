import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeZodError } from './zod-error.js';
import { LLM_ACTIVITY_TIMEOUT_MS, MAX_LLM_REQUEST_TIMEOUT_S, MAX_REASKS } from './timeouts.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The tool scripts/setup.sh installs under .tools, when present; else the one on PATH. */
function projectTool(relative: string, fallback: string): string {
  const path = `${PROJECT_ROOT}.tools/${relative}`;
  return existsSync(path) ? path : fallback;
}

/**
 * Worker and CLI settings from the environment, validated once at start-up so a typo fails
 * loudly instead of half-working.
 */
const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  /** A file holding the key (a Docker secret), instead of OPENAI_API_KEY. */
  OPENAI_API_KEY_FILE: z.string().optional(),
  ASC_MODEL: z.string().default('gpt-4o-mini'),
  /** Seconds one LLM request may take before it counts as failed (and is retried). */
  ASC_LLM_TIMEOUT_S: z.coerce
    .number()
    .positive()
    .max(
      MAX_LLM_REQUEST_TIMEOUT_S,
      `at most ${MAX_LLM_REQUEST_TIMEOUT_S} s, so that an agent call's ${MAX_REASKS + 1} requests fit its ${LLM_ACTIVITY_TIMEOUT_MS / 60_000}-minute activity timeout`,
    )
    .default(120),
  ASC_LLM_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** A JSON price table (US dollars per million tokens by model) over the built-in one, for runs' costs. */
  ASC_PRICES: z.string().optional(),
  /** `auto`: ask for JSON answers with a JSON schema where the endpoint takes one; `off`: never. */
  ASC_STRUCTURED_OUTPUTS: z.enum(['auto', 'off']).default('auto'),
  ASC_TEMPORAL_CLI: z.string().default(() => projectTool('bin/temporal', 'temporal')),
  ASC_DATA: z.string().default(`${PROJECT_ROOT}.data`),
  ASC_BANDIT: z.string().default(() => projectTool('venv/bin/bandit', 'bandit')),
  ASC_PYTHON: z.string().default(() => projectTool('venv/bin/python', 'python3')),
  ASC_SEMGREP: z.string().default(() => projectTool('semgrep/bin/semgrep', 'semgrep')),
  /** The Semgrep rule pack: this project's rules/ (local rules only, never the registry). */
  ASC_RULES: z.string().default(`${PROJECT_ROOT}rules`),
  ASC_SANDBOX_IMAGE: z.string().default('autosafecoder-sandbox:latest'),
  ASC_SANDBOX_CONCURRENCY: z.coerce.number().int().positive().default(2),
  /** Warm sandbox containers each sandbox worker keeps started; 0: a container is started per batch. */
  ASC_SANDBOX_POOL: z.coerce.number().int().min(0).max(32).default(2),
  /** AES-256 key (base64 or hex) for the payload codec; or a file holding it. Unset: no encryption. */
  ASC_CODEC_KEY: z.string().optional(),
  ASC_CODEC_KEY_FILE: z.string().optional(),
  /** The bearer token every call to the codec endpoint must carry; or a file holding it. */
  ASC_CODEC_TOKEN: z.string().min(16, 'use at least 16 characters (openssl rand -hex 32)').optional(),
  ASC_CODEC_TOKEN_FILE: z.string().optional(),
  /** Port of the codec endpoint `asc dev` and `asc codec-server` serve for the Web UI. */
  ASC_CODEC_PORT: z.coerce.number().int().min(1).max(65_535).default(8234),
  /** A file a worker process creates once its workers poll: a container healthcheck looks for it. */
  ASC_READY_FILE: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

/** Every variable the workers and the CLI read: the deployment files are checked against it. */
export const ENV_NAMES = Object.keys(EnvSchema.shape) as (keyof Env)[];

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) throw new Error(describeZodError('the environment', parsed.error));
  const env = parsed.data;
  if (env.OPENAI_API_KEY_FILE !== undefined) {
    if (env.OPENAI_API_KEY !== undefined) throw new Error('both OPENAI_API_KEY and OPENAI_API_KEY_FILE are set: keep one');
    try {
      // An empty file is no key: local endpoints (vLLM, Ollama) take none.
      env.OPENAI_API_KEY = readFileSync(env.OPENAI_API_KEY_FILE, 'utf8').trim() || undefined;
    } catch (error) {
      throw new Error(
        `OPENAI_API_KEY_FILE ${env.OPENAI_API_KEY_FILE}: cannot read it (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return env;
}

/** An LLM is configured when an endpoint or a key is given (OpenAI itself needs only the key). */
export function llmConfigured(env: Env): boolean {
  return env.OPENAI_BASE_URL !== undefined || env.OPENAI_API_KEY !== undefined;
}
