import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { failure, type FailureOptions } from '../../common/failures.js';
import type { CallSpend } from '../../common/schemas/index.js';

/**
 * Sorts a failed model call into "try again later" and "fix something first". Temporal owns
 * the retries (the openai client's own are off), so this is the one place that decides. What
 * the conversation spent before the fault goes into the failure's details.
 */
export function classifyLlmError(error: unknown, endpoint: string, model: string, spent?: CallSpend): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const spend: Pick<FailureOptions, 'details'> = spent && spent.calls > 0 ? { details: [spent] } : {};
  const options: FailureOptions = error instanceof Error ? { cause: error, ...spend } : spend;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return failure('LlmTimeout', `the LLM at ${endpoint} did not answer in time`, options);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const detail = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return failure(
      'LlmUnreachable',
      `cannot reach the LLM at ${endpoint}${detail}; check OPENAI_BASE_URL and that the server is up`,
      options,
    );
  }
  // instanceof narrows to APIError<any, any>: read the fields as unknown and check them.
  const status: unknown = error instanceof OpenAI.APIError ? error.status : undefined;
  const headers: unknown = error instanceof OpenAI.APIError ? error.headers : undefined;
  if (error instanceof OpenAI.APIError && typeof status === 'number') {
    const detail = `HTTP ${status} from ${endpoint}: ${error.message}`;
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      const delayMs = retryAfterMs(headers instanceof Headers ? headers : undefined);
      return failure(status === 429 ? 'LlmRateLimited' : 'LlmUnavailable', detail, {
        ...options,
        ...(delayMs !== undefined ? { nextRetryDelayMs: delayMs } : {}),
      });
    }
    const advice: Record<number, string> = {
      400: `the request was refused: check that model "${model}" accepts chat completions`,
      401: 'the API key was refused: check OPENAI_API_KEY',
      403: 'the API key may not use this model or endpoint: check OPENAI_API_KEY and its permissions',
      404: `model "${model}" or the endpoint was not found: check ASC_MODEL / --model and OPENAI_BASE_URL (it usually ends in /v1)`,
    };
    return failure('LlmRefused', `${detail}; ${advice[status] ?? 'the endpoint refused the request'}`, options);
  }
  return failure('LlmError', `LLM call failed: ${error instanceof Error ? error.message : String(error)}`, options);
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
