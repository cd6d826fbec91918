import { z } from 'zod';

/** A readable one-paragraph account of a zod error, naming each field at fault. */
export function describeZodError(what: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${what} is invalid: ${issues.join('; ')}`;
}
