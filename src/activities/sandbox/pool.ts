import type Docker from 'dockerode';
import type { SandboxLimits } from '../../common/sandbox.js';
import { discard, POOL_LABEL, startContainer, type ReadyContainer } from './container.js';

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
      if (
        this.usable(next) &&
        (await next.container.inspect().then(
          (info) => info.State.Running,
          () => false,
        ))
      ) {
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
