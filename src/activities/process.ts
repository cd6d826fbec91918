import { spawn } from 'node:child_process';

export interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program with `input` on stdin; kills it at `timeoutMs` and stops collecting output
 * past `maxOutputBytes`, so a stuck or chatty analyser can never hang or flood the worker.
 */
export function runProcess(
  command: string,
  args: string[],
  input: string,
  timeoutMs: number,
  maxOutputBytes = 8 * 1024 * 1024,
  env?: NodeJS.ProcessEnv,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    const collect = (sink: Buffer[]) => (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= maxOutputBytes) sink.push(chunk);
      else child.kill('SIGKILL');
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    // A program that exits without reading stdin makes the write fail with EPIPE: its exit code tells.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
