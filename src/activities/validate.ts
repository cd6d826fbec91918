import type { z } from 'zod';
import { failure } from '../common/failures.js';
import { describeZodError } from '../common/zod-error.js';

/** Validates an activity's input at the boundary; a bad input never succeeds on retry. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw failure('BadInput', describeZodError(what, parsed.error));
  return parsed.data;
}
