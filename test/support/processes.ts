import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitForTemporal } from '../../src/client/dev.js';
import { temporalCli } from './stack.js';

/** Real processes a test can kill: a Temporal dev server on a database file, and workers. */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until a child process has printed `marker` (stdout or stderr) and returns what it
 * printed so far; rejects with that output when it exits first or takes longer than `timeoutMs`.
 */
export function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number, what: string): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const settle = (error: Error | null) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(output);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) settle(null);
    };
    const onExit = (code: number | null) => settle(new Error(`${what} exited with ${code}:\n${output}`));
    const timer = setTimeout(
      () => settle(new Error(`${what} did not print "${marker}" within ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export class DevServer {
  private child: ChildProcess | null = null;

  constructor(
    readonly dbFile: string,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      temporalCli(),
      [
        'server',
        'start-dev',
        '--db-filename',
        this.dbFile,
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--headless',
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    await waitForTemporal(this.address, 60_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await exited(child);
    this.child = null;
  }
}

const ALL_WORKERS = fileURLToPath(new URL('../../src/workers/all.js', import.meta.url));

export class WorkerProcess {
  private constructor(readonly child: ChildProcess) {}

  /** Starts all workers in a child process and waits until they poll. */
  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [ALL_WORKERS], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForOutput(child, 'workers running for', 60_000, 'the workers');
    return new WorkerProcess(child);
  }

  /** A crash: no shutdown, no cleanup. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await exited(this.child);
  }
}
