import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { batchWallClockMs, harnessRequest, HarnessLineSchema, type FuzzOutcome, type RunBatchInput, type RunBatchResult, type SandboxLimits } from '../../common/sandbox.js';

export const SANDBOX_LABEL = 'autosafecoder.sandbox';

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

export interface BatchHooks {
  onOutcome: (done: number) => void;
  signal: AbortSignal;
  /** Extra container labels: the workflow and activity that own it. */
  labels?: Record<string, string>;
}

function containerOptions(image: string, limits: SandboxLimits, labels: Record<string, string>): Docker.ContainerCreateOptions {
  return {
    Image: image,
    Cmd: ['python3', '/opt/asc/harness.py'],
    User: '65534:65534',
    WorkingDir: '/work',
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: true,
    Labels: { ...labels, [SANDBOX_LABEL]: 'true' },
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: { '/work': `rw,nosuid,nodev,noexec,size=${limits.fileBytes}`, '/tmp': `rw,nosuid,nodev,noexec,size=${limits.fileBytes}` },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      PidsLimit: limits.pids,
      NanoCpus: limits.nanoCpus,
      Ulimits: [
        { Name: 'fsize', Soft: limits.fileBytes, Hard: limits.fileBytes },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      AutoRemove: false,
    },
  };
}

/**
 * Runs one batch of inputs in a fresh locked-down container and removes the container on
 * every path. Each input's outcome is reported by the harness as it finishes.
 */
export async function runBatchInContainer(docker: Docker, image: string, input: RunBatchInput, limits: SandboxLimits, hooks: BatchHooks): Promise<RunBatchResult> {
  const started = Date.now();
  const container = await docker.createContainer(containerOptions(image, limits, { ...hooks.labels, 'autosafecoder.run': input.label }));
  const outcomes = new Map<string, FuzzOutcome>();
  let loadError: string | null = null;
  let endReason: string | null = null;
  const kill = (reason: string) => {
    endReason ??= reason;
    container.kill().catch(() => undefined);
  };
  const wallLimitMs = batchWallClockMs(input.cases.length, input.timeoutMsPerInput);
  const timer = setTimeout(() => kill(`the batch ran past its ${Math.round(wallLimitMs / 1000)} s wall-clock limit`), wallLimitMs);
  const onAbort = () => kill('the activity was cancelled');
  hooks.signal.addEventListener('abort', onAbort);
  try {
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderr);
    let stdoutBytes = 0;
    let stderrText = '';
    let pending = '';
    stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.maxStdoutBytes) return kill('the harness output passed its cap');
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = HarnessLineSchema.safeParse(parseLine(pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
        if (!line.success) continue;
        if ('fatal' in line.data) loadError = line.data.fatal;
        else if ('id' in line.data) {
          const { id, ...outcome } = line.data;
          outcomes.set(id, outcome);
          hooks.onOutcome(outcomes.size);
        }
      }
    });
    stderr.on('data', (chunk: Buffer) => {
      if (stderrText.length < limits.maxStderrBytes) stderrText += chunk.toString('utf8');
    });
    const streamEnded = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    await container.start();
    stream.end(JSON.stringify(harnessRequest(input, limits)));
    const status = (await container.wait()) as { StatusCode: number };
    await streamEnded;
    if (status.StatusCode !== 0 && endReason === null) {
      const state = await container.inspect();
      endReason = state.State.OOMKilled ? 'the container hit its memory limit' : `the harness exited with code ${status.StatusCode}: ${stderrText.slice(-500)}`;
    }
  } finally {
    clearTimeout(timer);
    hooks.signal.removeEventListener('abort', onAbort);
    await container.remove({ force: true }).catch(() => undefined);
  }
  const reason = loadError ?? endReason ?? 'the harness stopped before this input';
  return {
    outcomes: input.cases.map((c) => ({ id: c.id, outcome: outcomes.get(c.id) ?? { status: 'not-run', reason, events: [] } })),
    loadError,
    wallMs: Date.now() - started,
  };
}

export interface ReapOptions {
  /** A stopped container younger than this may still be read by the worker that ran it. */
  stoppedGraceMs: number;
  /** A running container older than this outlived any batch: its worker is gone. */
  runningMaxAgeMs: number;
}

export const REAP_DEFAULTS: ReapOptions = { stoppedGraceMs: 60_000, runningMaxAgeMs: 30 * 60_000 };

/**
 * Removes sandbox containers a crashed worker left behind; returns how many. Another worker on
 * the same host may own young containers, so only stale ones go.
 */
export async function reapLeftovers(docker: Docker, options: ReapOptions = REAP_DEFAULTS): Promise<number> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } });
  const now = Date.now();
  let reaped = 0;
  for (const c of leftovers) {
    const container = docker.getContainer(c.Id);
    const ageMs = now - c.Created * 1000;
    let stale: boolean;
    if (c.State === 'running') stale = ageMs > options.runningMaxAgeMs;
    else if (c.State === 'created') stale = ageMs > options.stoppedGraceMs;
    else {
      const finished = Date.parse((await container.inspect().catch(() => null))?.State.FinishedAt ?? '');
      stale = Number.isNaN(finished) || now - finished > options.stoppedGraceMs;
    }
    if (stale && (await container.remove({ force: true }).then(() => true, () => false))) reaped++;
  }
  return reaped;
}
