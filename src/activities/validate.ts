import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { describeZodError } from '../common/schemas.js';

/** Validates an activity's input at the boundary; a bad input never succeeds on retry. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(describeZodError(what, parsed.error), 'BadInput');
  return parsed.data;
}
