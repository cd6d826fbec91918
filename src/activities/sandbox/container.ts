import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { batchWallClockMs, harnessRequest, HarnessLineSchema, type FuzzOutcome, type HarnessLine, type KernelWatch, type RunBatchInput, type RunBatchResult, type SandboxLimits } from '../../common/sandbox.js';

export const SANDBOX_LABEL = 'autosafecoder.sandbox';
/** The label of a warm container: the worker whose pool holds it. */
export const POOL_LABEL = 'autosafecoder.pool';

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
  /** Warm containers to claim one from, instead of starting one; the claimed one is named `claimName`. */
  pool?: ContainerPool | undefined;
  claimName?: string;
}

function containerOptions(image: string, limits: SandboxLimits, labels: Record<string, string>): Docker.ContainerCreateOptions {
  return {
    Image: image,
    Cmd: ['python3', '-P', '-m', 'harness'],
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

/** A started, attached sandbox container whose harness waits for its one batch on stdin. */
export interface ReadyContainer {
  container: Docker.Container;
  stream: NodeJS.ReadWriteStream;
  stdout: PassThrough;
  stderr: PassThrough;
  streamEnded: Promise<void>;
  exited: Promise<{ StatusCode: number }>;
  startedAtMs: number;
  /** The harness has exited (or the engine lost it): an idle container in this state is not handed out. */
  gone: boolean;
}

/** Creates, attaches and starts a locked-down container; its harness then waits for one batch. */
export async function startContainer(docker: Docker, image: string, limits: SandboxLimits, labels: Record<string, string>): Promise<ReadyContainer> {
  const container = await docker.createContainer(containerOptions(image, limits, labels));
  try {
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderr);
    const streamEnded = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    await container.start();
    // Asked before the harness can exit, since the engine removes the container when it does.
    const exited = container.wait() as Promise<{ StatusCode: number }>;
    const ready: ReadyContainer = { container, stream, stdout, stderr, streamEnded, exited, startedAtMs: Date.now(), gone: false };
    exited.then(
      () => (ready.gone = true),
      () => (ready.gone = true),
    );
    return ready;
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw error;
  }
}

/** Stops a container and waits until the engine has removed it. */
async function discard(ready: Pick<ReadyContainer, 'container' | 'stream'>): Promise<void> {
  ready.stream.end();
  await ready.container.remove({ force: true }).catch(() => undefined);
  // The engine may be removing it already (AutoRemove): done once it is gone.
  await ready.container.wait({ condition: 'removed', abortSignal: AbortSignal.timeout(10_000) }).catch(() => undefined);
}

export interface PoolOptions {
  /** Containers kept started. */
  size: number;
  /** An idle container older than this is replaced (the reaper takes running ones past 30 minutes). */
  maxIdleMs: number;
  /** The worker's own id, as a label: whose warm containers these are. */
  owner: string;
}

/**
 * Warm sandbox containers: started ahead, locked down exactly as a fresh one, each handed to one
 * batch of one run (its code arrives when it is claimed) and destroyed after it, never reused.
 * The pool refills in the background once a claimed container's batch is done, and replaces
 * containers that idled too long; drain()
 * removes what is left. A worker that dies takes its pool with it: each harness exits when its
 * stdin (the worker's attach connection) closes, and the engine removes the container.
 */
export class ContainerPool {
  private readonly ready: ReadyContainer[] = [];
  /** Containers being started, so that drain() waits for them too. */
  private readonly starting = new Set<Promise<void>>();
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly docker: Docker,
    private readonly image: string,
    private readonly limits: SandboxLimits,
    readonly options: PoolOptions,
  ) {
    this.timer = setInterval(() => this.refresh(), Math.max(1_000, options.maxIdleMs / 4));
    this.timer.unref();
    this.refill();
  }

  /** A warm container, named for the batch it runs; a fresh one when none is ready. */
  async claim(name: string | undefined): Promise<ReadyContainer> {
    let claimed: ReadyContainer | undefined;
    for (let next = this.ready.shift(); next; next = this.ready.shift()) {
      // Asked of the engine too: a container killed a moment ago may not have reported its exit yet.
      if (this.usable(next) && (await next.container.inspect().then((info) => info.State.Running, () => false))) {
        claimed = next;
        break;
      }
      void discard(next);
    }
    const ready = claimed ?? (await startContainer(this.docker, this.image, this.limits, this.labels()));
    // Named for the run: labels cannot change once a container exists, names can.
    if (name) await ready.container.rename({ name }).catch(() => undefined);
    return ready;
  }

  /**
   * A claimed container's batch is done: start its replacement now, not while the batch runs,
   * since a container start takes as much CPU as a hundred inputs.
   */
  released(): void {
    this.refill();
  }

  /** Containers started and waiting. */
  get idle(): number {
    return this.ready.length;
  }

  /** Stops refilling and removes every idle container. */
  async drain(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(this.starting);
    await Promise.all(this.ready.splice(0).map(discard));
  }

  private labels(): Record<string, string> {
    return { [POOL_LABEL]: this.options.owner };
  }

  private usable(ready: ReadyContainer): boolean {
    return !ready.gone && Date.now() - ready.startedAtMs < this.options.maxIdleMs;
  }

  private refresh(): void {
    const stale = this.ready.filter((r) => !this.usable(r));
    for (const r of stale) {
      this.ready.splice(this.ready.indexOf(r), 1);
      void discard(r);
    }
    this.refill();
  }

  private refill(): void {
    while (!this.closed && this.ready.length + this.starting.size < this.options.size) {
      const started: Promise<void> = startContainer(this.docker, this.image, this.limits, this.labels()).then(
        (ready) => {
          this.starting.delete(started);
          if (this.closed) return discard(ready);
          this.ready.push(ready);
        },
        () => {
          // The engine refused: the next claim starts its own container and tries to refill again.
          this.starting.delete(started);
        },
      );
      this.starting.add(started);
    }
  }
}

/** What a session needs to get its container: a warm one from the pool, or a fresh one. */
export type SessionHooks = Omit<BatchHooks, 'onOutcome'> & { label: string };

/** The group of inputs being run, and what has come back for it. */
interface Group {
  expected: Set<string>;
  outcomes: Map<string, FuzzOutcome>;
  done: number | null;
  onOutcome: (done: number) => void;
  finish: () => void;
}

/**
 * One locked-down container whose harness loads one target once and runs group after group of
 * inputs against it (the rounds of a fuzz pass), removed on close. Each input's outcome is
 * reported as the harness finishes it. A container that dies or fails to load answers every
 * later group with the reason.
 */
export class SandboxSession {
  private group: Group | null = null;
  /** The target the harness loaded, as JSON: everything of the first group but its cases. */
  private target: string | null = null;
  private loadError: string | null = null;
  private loaded: { stubbed: string[]; coverable: number[]; kernelWatch: KernelWatch | null } = { stubbed: [], coverable: [], kernelWatch: null };
  private endReason: string | null = null;
  private gone = false;
  private stdoutBytes = 0;
  private readonly onAbort = () => this.kill('the activity was cancelled');

  private constructor(
    private readonly ready: ReadyContainer,
    private readonly limits: SandboxLimits,
    private readonly signal: AbortSignal,
    private readonly pool: ContainerPool | undefined,
  ) {
    let stderrBytes = 0;
    const stderrHead: Buffer[] = [];
    const split = lineSplitter(limits.maxLineBytes, (text) => this.onLine(text), () => this.kill(`the harness wrote a line over ${limits.maxLineBytes} bytes`));
    ready.stdout.on('data', (chunk: Buffer) => {
      this.stdoutBytes += chunk.length;
      if (this.stdoutBytes > limits.maxStdoutBytes) return this.kill(`the harness output passed its ${limits.maxStdoutBytes}-byte cap`);
      split(chunk);
    });
    ready.stderr.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes > limits.maxStderrBytes) return this.kill(`the harness wrote more than ${limits.maxStderrBytes} bytes of errors`);
      stderrHead.push(chunk);
    });
    const ended = (status: { StatusCode: number }) => {
      if (status.StatusCode !== 0 && this.endReason === null) {
        const errors = Buffer.concat(stderrHead).toString('utf8').slice(-500);
        this.endReason = status.StatusCode === 137 ? 'the container was killed, most likely at its memory limit' : `the harness exited with code ${status.StatusCode}: ${errors}`;
      }
      this.gone = true;
      this.group?.finish();
    };
    // Every line the harness wrote is read before the container counts as gone.
    void ready.exited.then(
      (status) => ready.streamEnded.then(() => ended(status)),
      () => ready.streamEnded.then(() => ended({ StatusCode: -1 })),
    );
    signal.addEventListener('abort', this.onAbort);
    if (signal.aborted) this.onAbort();
  }

  /** A container for one run's target, claimed from the pool or started. */
  static async open(docker: Docker, image: string, limits: SandboxLimits, hooks: SessionHooks): Promise<SandboxSession> {
    const ready = hooks.pool ? await hooks.pool.claim(hooks.claimName) : await startContainer(docker, image, limits, { ...hooks.labels, 'autosafecoder.run': hooks.label });
    return new SandboxSession(ready, limits, hooks.signal, hooks.pool);
  }

  /**
   * Runs `input.cases` against the target; the first group loads `input`'s target, and every
   * later one must name the same target (only its cases differ).
   */
  async run(input: RunBatchInput, onOutcome: (done: number) => void): Promise<RunBatchResult> {
    const started = Date.now();
    if (this.group) throw new Error('a sandbox session runs one group of inputs at a time');
    const { cases, ...target } = input;
    const first = this.target === null;
    if (!first && this.target !== JSON.stringify(target)) throw new Error('a sandbox session runs one target: open another session for other code');
    this.target ??= JSON.stringify(target);
    const group: Group = { expected: new Set(cases.map((c) => c.id)), outcomes: new Map(), done: null, onOutcome, finish: () => undefined };
    if (!this.gone && this.loadError === null) {
      const finished = new Promise<void>((resolve) => (group.finish = resolve));
      this.group = group;
      this.stdoutBytes = 0;
      const wallLimitMs = batchWallClockMs(cases.length, input.timeoutMsPerInput);
      const timer = setTimeout(() => this.kill(`the batch ran past its ${Math.round(wallLimitMs / 1000)} s wall-clock limit`), wallLimitMs);
      // One line, and stdin stays open: its end tells the harness that nobody reads it any more.
      this.ready.stream.write(`${JSON.stringify(first ? harnessRequest(input, this.limits) : { inputs: cases })}\n`);
      await finished;
      clearTimeout(timer);
      this.group = null;
    }
    const reason = this.loadError ?? this.endReason ?? 'the harness stopped before this input';
    return {
      outcomes: cases.map((c) => ({ id: c.id, outcome: group.outcomes.get(c.id) ?? { status: 'not-run', reason, events: [] } })),
      loadError: this.loadError,
      incomplete: this.loadError === null ? incompleteReason(cases, group.outcomes, group.done, this.endReason) : null,
      ...this.loaded,
      wallMs: Date.now() - started,
    };
  }

  /** Stops the harness and waits until the engine has removed the container. */
  async close(): Promise<void> {
    this.signal.removeEventListener('abort', this.onAbort);
    await discard(this.ready);
    this.pool?.released();
  }

  private kill(reason: string): void {
    this.endReason ??= reason;
    this.ready.container.kill().catch(() => undefined);
  }

  /** Each expected id is taken once, and nothing after the group's end marker. */
  private onLine(text: string): void {
    const line = parseLine(text);
    const group = this.group;
    if (line === null || group === null || group.done !== null) return;
    if ('fatal' in line) {
      this.loadError ??= line.fatal;
      group.finish();
    } else if ('loaded' in line) this.loaded = { ...line.loaded, kernelWatch: line.loaded.kernelWatch ?? null };
    else if ('done' in line) {
      group.done = line.outcomes;
      group.finish();
    } else if (group.expected.has(line.id) && !group.outcomes.has(line.id)) {
      const { id, ...outcome } = line;
      group.outcomes.set(id, outcome);
      group.onOutcome(group.outcomes.size);
    }
  }
}

/** Runs one batch of inputs in a container of its own (warm from the pool, or fresh), removed on every path. */
export async function runBatchInContainer(docker: Docker, image: string, input: RunBatchInput, limits: SandboxLimits, hooks: BatchHooks): Promise<RunBatchResult> {
  const started = Date.now();
  const session = await SandboxSession.open(docker, image, limits, { ...hooks, label: input.label });
  try {
    return { ...(await session.run(input, hooks.onOutcome)), wallMs: Date.now() - started };
  } finally {
    await session.close();
  }
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
