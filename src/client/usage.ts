/** A mistake in how the CLI was called: reported with a pointer to `asc --help`. */
export class UsageError extends Error {}

export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} ${value}: expected a whole number`);
  return Number(value);
}
