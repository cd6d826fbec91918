import { ApplicationFailure } from '@temporalio/common';

/**
 * Every failure type activities and workflows raise, and whether Temporal should try again: the
 * one place that decides retryability. Retry policies list no error types; the failure says.
 */
export const FAILURE_RETRYABLE = {
  /** A workflow request that fails its schema: fix the request. */
  BadRequest: false,
  /** An activity input that fails its schema: a bug in the caller, never fixed by a retry. */
  BadInput: false,
  /** The code given does not parse. */
  SyntaxError: false,
  /** An analyser that cannot run at all (missing or broken install). */
  AnalyserBroken: false,
  AnalyserTimeout: true,
  /** The container engine refused or vanished: transient from the run's point of view. */
  SandboxEngineError: true,
  /** One task of a batch failed; the batch records it and goes on. */
  TaskFailed: false,
  LlmTimeout: true,
  LlmUnreachable: true,
  LlmRateLimited: true,
  LlmUnavailable: true,
  /** HTTP 4xx other than 408/409/429: a key, model or endpoint to fix. */
  LlmRefused: false,
  LlmError: true,
  /** The model's answers stayed unusable after the re-asks. */
  LlmUnusableAnswer: false,
} as const satisfies Record<string, boolean>;

export type FailureType = keyof typeof FAILURE_RETRYABLE;

export interface FailureOptions {
  cause?: Error;
  /** Overrides the retry policy's backoff for the next attempt (an LLM's `retry-after`). */
  nextRetryDelayMs?: number;
}

/** An ApplicationFailure of a known type, retryable or not as the table above says. */
export function failure(type: FailureType, message: string, options: FailureOptions = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !FAILURE_RETRYABLE[type],
    ...(options.cause ? { cause: options.cause } : {}),
    ...(options.nextRetryDelayMs !== undefined ? { nextRetryDelay: options.nextRetryDelayMs } : {}),
  });
}
