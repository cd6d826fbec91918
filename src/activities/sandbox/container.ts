import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { SandboxLimits } from '../../common/sandbox.js';

export const SANDBOX_LABEL = 'autosafecoder.sandbox';
/** The label of a warm container: the worker whose pool holds it. */
export const POOL_LABEL = 'autosafecoder.pool';

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
export async function startContainer(
  docker: Docker,
  image: string,
  limits: SandboxLimits,
  labels: Record<string, string>,
): Promise<ReadyContainer> {
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
export async function discard(ready: Pick<ReadyContainer, 'container' | 'stream'>): Promise<void> {
  ready.stream.end();
  await ready.container.remove({ force: true }).catch(() => undefined);
  // The engine may be removing it already (AutoRemove): done once it is gone.
  await ready.container.wait({ condition: 'removed', abortSignal: AbortSignal.timeout(10_000) }).catch(() => undefined);
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
    if (
      stale &&
      (await container.remove({ force: true }).then(
        () => true,
        () => false,
      ))
    )
      reaped++;
  }
  return reaped;
}
