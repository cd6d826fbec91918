import { open } from 'node:fs/promises';

/** A mistake in how the CLI was called: reported with a pointer to `asc --help`. */
export class UsageError extends Error {}

export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} ${value}: expected a whole number`);
  return Number(value);
}

/** A flag's value, one of `allowed` (undefined when the flag was not given). */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const match = allowed.find((a) => a === value);
  if (match === undefined) throw new UsageError(`--${flag} ${value}: expected one of ${allowed.join(', ')}`);
  return match;
}

/** Largest code or prompt file: a run's request travels in one Temporal payload (2 MB). */
export const MAX_CODE_FILE_BYTES = 1024 * 1024;
/** Largest batch file: its tasks must fit one payload too, once the unused fields are dropped. */
export const MAX_BATCH_FILE_BYTES = 32 * 1024 * 1024;

/** Reads a file the user named, refusing one past `maxBytes` before reading it into memory. */
export async function readInputFile(path: string, label: string, maxBytes: number): Promise<string> {
  let text: string;
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      if (size > maxBytes)
        throw new UsageError(
          `${label}: it is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${maxBytes / 1024 / 1024} MiB limit: split it, or audit a smaller part`,
        );
      text = await file.readFile('utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${label}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  return text;
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration flag such as 90s, 30m, 72h or 7d, in milliseconds (undefined when not given). */
export function duration(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)([smhd])$/.exec(value);
  const ms = match ? Number(match[1]) * (DURATION_UNITS[match[2] ?? ''] ?? 0) : 0;
  if (ms <= 0) throw new UsageError(`--${flag} ${value}: expected a positive duration such as 90s, 30m, 72h or 7d`);
  return ms;
}
