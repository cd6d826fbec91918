/**
 * What the CLI prints. Much of it is untrusted (code under test, its exceptions, a model's
 * answers, ids from a batch file): control characters are shown escaped, never sent to the
 * terminal, so no text can move the cursor, rewrite a line or retitle the window. And the
 * process exits only once everything written has reached its reader, a pipe included.
 */

/** C0 controls but tab and newline, DEL, and C1 controls (which some terminals obey as ESC sequences). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** JSON for a terminal or a pipe: JSON.stringify escapes C0 controls; DEL and C1 are escaped too. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A line of output on stdout. */
export function say(text: string): void {
  process.stdout.write(`${printable(text)}\n`);
}

/** A line of output on stderr. */
export function warn(text: string): void {
  process.stderr.write(`${printable(text)}\n`);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Exits once stdout and stderr have been drained: `asc result ID --json | jq` gets all of it. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
