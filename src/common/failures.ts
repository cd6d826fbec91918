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
  /** The model's answers stayed unusable after the re-asks: no code, or JSON that fails its schema. */
  LlmUnusableAnswer: false,
  /** Every answer was cut off at the model's output limit (finish_reason "length"). */
  LlmTruncated: false,
  /** The model declined to answer (a refusal, or its content filter). */
  LlmRefusal: false,
  /** The model's answers were empty. */
  LlmEmptyAnswer: false,
  /** The run's (or its batch's) model budget was spent before a step that needs the model. */
  BudgetSpent: false,
} as const satisfies Record<string, boolean>;

export type FailureType = keyof typeof FAILURE_RETRYABLE;

/** Failures of an answer, not of the endpoint: the Static Analyser and Fuzzing agents' runs go on without them. */
export const UNUSABLE_ANSWER: readonly FailureType[] = ['LlmUnusableAnswer', 'LlmTruncated', 'LlmRefusal', 'LlmEmptyAnswer'];

export interface FailureOptions {
  cause?: Error;
  /** Overrides the retry policy's backoff for the next attempt (an LLM's `retry-after`). */
  nextRetryDelayMs?: number;
  /** Structured facts for the workflow (what an agent call spent before it failed). */
  details?: unknown[];
}

/** An ApplicationFailure of a known type, retryable or not as the table above says. */
export function failure(type: FailureType, message: string, options: FailureOptions = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !FAILURE_RETRYABLE[type],
    ...(options.cause ? { cause: options.cause } : {}),
    ...(options.nextRetryDelayMs !== undefined ? { nextRetryDelay: options.nextRetryDelayMs } : {}),
    ...(options.details ? { details: options.details } : {}),
  });
}
