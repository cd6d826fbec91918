import type Docker from 'dockerode';
import {
  batchWallClockMs,
  harnessRequest,
  HarnessLineSchema,
  type FuzzOutcome,
  type HarnessLine,
  type KernelWatch,
  type RunBatchInput,
  type RunBatchResult,
  type SandboxLimits,
} from '../../common/sandbox.js';
import { discard, startContainer, type ReadyContainer } from './container.js';
import type { ContainerPool } from './pool.js';

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
function incompleteReason(
  cases: RunBatchInput['cases'],
  outcomes: Map<string, FuzzOutcome>,
  done: number | null,
  endReason: string | null,
): string | null {
  const missing = cases.filter((c) => !outcomes.has(c.id)).length;
  const notRun = [...outcomes.values()].filter((o) => o.status === 'not-run');
  const reasons: string[] = [];
  if (missing > 0) reasons.push(`${missing} of ${cases.length} inputs have no outcome: ${endReason ?? 'the harness stopped before them'}`);
  if (notRun.length > 0)
    reasons.push(`${notRun.length} of ${cases.length} inputs did not run: ${notRun[0]?.status === 'not-run' ? notRun[0].reason : ''}`);
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
  private loaded: { stubbed: string[]; coverable: number[]; kernelWatch: KernelWatch | null } = {
    stubbed: [],
    coverable: [],
    kernelWatch: null,
  };
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
    const split = lineSplitter(
      limits.maxLineBytes,
      (text) => this.onLine(text),
      () => this.kill(`the harness wrote a line over ${limits.maxLineBytes} bytes`),
    );
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
        this.endReason =
          status.StatusCode === 137
            ? 'the container was killed, most likely at its memory limit'
            : `the harness exited with code ${status.StatusCode}: ${errors}`;
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
    const ready = hooks.pool
      ? await hooks.pool.claim(hooks.claimName)
      : await startContainer(docker, image, limits, { ...hooks.labels, 'autosafecoder.run': hooks.label });
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
    if (!first && this.target !== JSON.stringify(target))
      throw new Error('a sandbox session runs one target: open another session for other code');
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
export async function runBatchInContainer(
  docker: Docker,
  image: string,
  input: RunBatchInput,
  limits: SandboxLimits,
  hooks: BatchHooks,
): Promise<RunBatchResult> {
  const started = Date.now();
  const session = await SandboxSession.open(docker, image, limits, { ...hooks, label: input.label });
  try {
    return { ...(await session.run(input, hooks.onOutcome)), wallMs: Date.now() - started };
  } finally {
    await session.close();
  }
}
