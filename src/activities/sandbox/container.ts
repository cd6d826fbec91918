import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { batchWallClockMs, harnessRequest, HarnessLineSchema, type FuzzOutcome, type HarnessLine, type RunBatchInput, type RunBatchResult, type SandboxLimits } from '../../common/sandbox.js';

export const SANDBOX_LABEL = 'autosafecoder.sandbox';

function parseLine(line: string): HarnessLine | null {
  try {
    const parsed = HarnessLineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Splits a byte stream into lines in linear time (each byte is looked at once), decoding each
 * whole line, so a character split across chunks survives. A line longer than `maxBytes` calls
 * `overflow` instead of growing without bound.
 */
export function lineSplitter(maxBytes: number, onLine: (line: string) => void, overflow: () => void): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let size = 0;
  return (chunk) => {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
      parts.push(chunk.subarray(start, newline));
      const line = Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      start = newline + 1;
      onLine(line);
    }
    if (start < chunk.length) {
      parts.push(chunk.subarray(start));
      size += chunk.length - start;
      if (size > maxBytes) {
        parts = [];
        size = 0;
        overflow();
      }
    }
  };
}

/** Why the batch's outcomes are not all vouched for by the harness; null when they are. */
function incompleteReason(cases: RunBatchInput['cases'], outcomes: Map<string, FuzzOutcome>, done: number | null, endReason: string | null): string | null {
  const missing = cases.filter((c) => !outcomes.has(c.id)).length;
  const notRun = [...outcomes.values()].filter((o) => o.status === 'not-run');
  const reasons: string[] = [];
  if (missing > 0) reasons.push(`${missing} of ${cases.length} inputs have no outcome: ${endReason ?? 'the harness stopped before them'}`);
  if (notRun.length > 0) reasons.push(`${notRun.length} of ${cases.length} inputs did not run: ${notRun[0]?.status === 'not-run' ? notRun[0].reason : ''}`);
  if (done === null && missing === 0) reasons.push(`the harness ended without its end marker${endReason ? `: ${endReason}` : ''}`);
  if (done !== null && done !== outcomes.size) reasons.push(`the harness reported ${done} outcomes, ${outcomes.size} arrived`);
  return reasons.length > 0 ? reasons.join('; ').slice(0, 2_000) : null;
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
      // The harness's output is read from the attach stream; nothing is kept in engine logs.
      LogConfig: { Type: 'none', Config: {} },
      // The engine removes the container when it exits, even when its worker is gone: the
      // harness exits as soon as its stdin closes, which a dead worker's attach connection does.
      AutoRemove: true,
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
  let stdin: NodeJS.WritableStream | null = null;
  const outcomes = new Map<string, FuzzOutcome>();
  const expected = new Set(input.cases.map((c) => c.id));
  let loadError: string | null = null;
  let loaded = { stubbed: [] as string[], coverable: [] as number[] };
  let endReason: string | null = null;
  let done: number | null = null;
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
    stdin = stream;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderr);
    let stdoutBytes = 0;
    let stderrBytes = 0;
    const stderrHead: Buffer[] = [];
    // Each expected id is taken once, and nothing after the end marker.
    const onLine = (text: string) => {
      const line = parseLine(text);
      if (line === null || done !== null) return;
      if ('fatal' in line) loadError ??= line.fatal;
      else if ('loaded' in line) loaded = line.loaded;
      else if ('done' in line) done = line.outcomes;
      else if (expected.has(line.id) && !outcomes.has(line.id)) {
        const { id, ...outcome } = line;
        outcomes.set(id, outcome);
        hooks.onOutcome(outcomes.size);
      }
    };
    const split = lineSplitter(limits.maxLineBytes, onLine, () => kill(`the harness wrote a line over ${limits.maxLineBytes} bytes`));
    stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.maxStdoutBytes) return kill(`the harness output passed its ${limits.maxStdoutBytes}-byte cap`);
      split(chunk);
    });
    stderr.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes > limits.maxStderrBytes) return kill(`the harness wrote more than ${limits.maxStderrBytes} bytes of errors`);
      stderrHead.push(chunk);
    });
    const streamEnded = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    await container.start();
    // Asked before the harness can exit, since the engine removes the container when it does.
    const exited = container.wait() as Promise<{ StatusCode: number }>;
    // One line, and stdin stays open: its end tells the harness that nobody reads it any more.
    stream.write(`${JSON.stringify(harnessRequest(input, limits))}\n`);
    const status = await exited;
    await streamEnded;
    if (status.StatusCode !== 0 && endReason === null) {
      const errors = Buffer.concat(stderrHead).toString('utf8').slice(-500);
      endReason = status.StatusCode === 137 ? 'the container was killed, most likely at its memory limit' : `the harness exited with code ${status.StatusCode}: ${errors}`;
    }
  } finally {
    clearTimeout(timer);
    hooks.signal.removeEventListener('abort', onAbort);
    stdin?.end();
    await container.remove({ force: true }).catch(() => undefined);
    // The engine may be removing it already (AutoRemove): the batch ends once it is gone.
    await container.wait({ condition: 'removed', abortSignal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  }
  const reason = loadError ?? endReason ?? 'the harness stopped before this input';
  return {
    outcomes: input.cases.map((c) => ({ id: c.id, outcome: outcomes.get(c.id) ?? { status: 'not-run', reason, events: [] } })),
    loadError,
    incomplete: loadError === null ? incompleteReason(input.cases, outcomes, done, endReason) : null,
    ...loaded,
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
