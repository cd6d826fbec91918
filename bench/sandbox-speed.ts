/**
 * Sandbox speed: a 150-input batch in one container (start included) against a baseline that
 * runs one process per input as the reference executor does (no container), in the same run;
 * the same batch in a warm container from the pool; the throughput inside a warm container; and
 * the host memory a sandbox worker with four idle warm containers takes; and a whole fuzz pass
 * (three coverage-guided rounds) in the same two warm containers against the same pass with a
 * container per batch of up to 50 inputs. Prints medians.
 *
 *   bash scripts/bench.sh sandbox-speed [runs]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ContainerPool } from '../src/activities/sandbox/pool.js';
import { runBatchInContainer } from '../src/activities/sandbox/session.js';
import { loadEnv } from '../src/common/config.js';
import type { FuzzValue } from '../src/common/fuzz-value.js';
import { runPassInContainers } from '../src/activities/sandbox/pass.js';
import { RunBatchInputSchema, RunFuzzPassInputSchema, SANDBOX_LIMITS, type FuzzCase, type FuzzRounds } from '../src/common/sandbox.js';
import { GuidedRounds, reachedLines, splitBatches } from '../src/domain/fuzz-rounds.js';
import { deriveInputs } from '../src/domain/mutate.js';
import { dockerFromEnv } from '../src/workers/create.js';
import { idleContainers, until } from '../test/support/containers.js';
import { waitForOutput } from '../test/support/processes.js';
import { startStack } from '../test/support/stack.js';
import { median } from './support/median.js';

const runs = Number(process.argv[2] ?? 5);
const env = loadEnv();
const docker = dockerFromEnv();

/** A typical task function: parses, validates, touches the filesystem. */
const CODE = `
import os
import re

def sanitize_filename(name, max_length):
    if not isinstance(name, str):
        raise ValueError("name must be a string")
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:max_length]
    return os.path.join("uploads", cleaned)
`;

const seeds: FuzzCase[] = [
  {
    id: 's1',
    args: [
      { type: 'str', value: 'report.txt' },
      { type: 'int', value: '64' },
    ],
  },
];
const cases = (n: number) => [...seeds, ...deriveInputs(seeds, n - seeds.length, 7)];

function runProcess(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', () => resolve());
    child.stdin.end(input);
  });
}

/** The reference executor's way: a fresh, minimal Python process for every input. */
const RUNNER = `import json, sys
job = json.load(sys.stdin)
ns = {"__name__": "target"}
exec(job["code"], ns)
try:
    print(repr(ns[job["function"]](*job["args"])))
except Exception as exc:
    print(type(exc).__name__, exc)
`;

function plain(value: FuzzValue): unknown {
  switch (value.type) {
    case 'int':
      return Number(value.value);
    case 'float':
      return typeof value.value === 'number' ? value.value : null;
    case 'str':
      return value.value;
    case 'bytes':
      return value.hex;
    case 'bool':
      return value.value;
    case 'none':
      return null;
    case 'list':
      return value.items.map(plain);
    case 'dict':
      return Object.fromEntries(value.entries.map((e) => [e.key, plain(e.value)]));
  }
}

async function baseline(batch: FuzzCase[]): Promise<number> {
  const started = performance.now();
  for (const item of batch) {
    await runProcess(
      env.ASC_PYTHON,
      ['-c', RUNNER],
      JSON.stringify({ code: CODE, function: 'sanitize_filename', args: item.args.map(plain) }),
    );
  }
  return performance.now() - started;
}

async function container(
  batch: FuzzCase[],
  pool?: ContainerPool,
  target = { code: CODE, function: 'sanitize_filename' },
): Promise<{ wall: number; inputsPerSecond: number }> {
  const stamps: number[] = [];
  const started = performance.now();
  const input = RunBatchInputSchema.parse({ ...target, cases: batch, timeoutMsPerInput: 2000, label: 'bench' });
  const result = await runBatchInContainer(docker, env.ASC_SANDBOX_IMAGE, input, SANDBOX_LIMITS, {
    onOutcome: () => stamps.push(performance.now()),
    signal: new AbortController().signal,
    pool,
  });
  const wall = performance.now() - started;
  if (result.loadError || result.outcomes.some((o) => o.outcome.status === 'not-run'))
    throw new Error(`bench batch failed: ${result.loadError ?? 'inputs not run'}`);
  const first = stamps[0] ?? started;
  const last = stamps.at(-1) ?? started;
  return { wall, inputsPerSecond: stamps.length > 1 ? ((stamps.length - 1) * 1000) / (last - first) : 0 };
}

const idleOf = (owner: string) => idleContainers(docker, owner);

/** Host memory of a real sandbox worker process and its four idle warm containers, in MiB. */
async function poolMemory(): Promise<{ worker: number; containers: number }> {
  const stack = await startStack({ queues: [] });
  const worker = spawn(process.execPath, [fileURLToPath(new URL('../src/workers/sandbox.js', import.meta.url))], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.testEnv.address,
      TEMPORAL_NAMESPACE: stack.testEnv.namespace ?? 'default',
      ASC_SANDBOX_POOL: '4',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitForOutput(worker, 'workers running for', 60_000, 'the sandbox worker');
    const owner = `${hostname()}-${worker.pid ?? 0}`;
    await until(async () => (await idleOf(owner)).length === 4, 'four warm containers');
    // Settled: the harnesses wait on stdin, the worker idles.
    await new Promise((r) => setTimeout(r, 2_000));
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${worker.pid ?? 0}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    let containers = 0;
    for (const c of await idleOf(owner)) {
      const stats = (await docker.getContainer(c.Id).stats({ stream: false })) as {
        memory_stats: { usage?: number; stats?: { inactive_file?: number } };
      };
      containers += ((stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.inactive_file ?? 0)) / 1024 / 1024;
    }
    return { worker: rss, containers };
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('close', r));
    await stack.stop();
  }
}

const PLAN: FuzzRounds = {
  seeds,
  mutations: 150,
  seed: 1,
  rounds: 3,
  maxChars: SANDBOX_LIMITS.maxInputChars,
  mutable: [],
  attackStrings: true,
};
const TARGET = { code: CODE, function: 'sanitize_filename', timeoutMsPerInput: 2000, label: 'bench', coverage: true };

/** A fuzz pass the way runs before `fuzz-pass` ran it: a container per batch of up to 50, a round's batches side by side. */
async function passByBatches(pool: ContainerPool): Promise<number> {
  const started = performance.now();
  const guided = new GuidedRounds(PLAN);
  for (let batch = guided.next(); batch; batch = guided.next()) {
    const results = await Promise.all(
      splitBatches(batch, 50, SANDBOX_LIMITS.maxBatchChars).map((part) =>
        runBatchInContainer(docker, env.ASC_SANDBOX_IMAGE, RunBatchInputSchema.parse({ ...TARGET, cases: part }), SANDBOX_LIMITS, {
          onOutcome: () => undefined,
          signal: new AbortController().signal,
          pool,
        }),
      ),
    );
    guided.record(batch, reachedLines(results.flatMap((r) => r.outcomes)), false);
  }
  return performance.now() - started;
}

/** The same pass in one activity's two containers, each loading the code once. */
async function passInOne(pool: ContainerPool): Promise<number> {
  const started = performance.now();
  await runPassInContainers(docker, env.ASC_SANDBOX_IMAGE, RunFuzzPassInputSchema.parse({ ...TARGET, rounds: PLAN }), SANDBOX_LIMITS, {
    onOutcome: () => undefined,
    signal: new AbortController().signal,
    pool,
    containers: 2,
  });
  return performance.now() - started;
}

/** What the evidence costs: an input that streams a security event, one that starts a program (which the kernel watch stops until the supervisor has looked at it). */
const TOUCH = { code: 'def touch(name):\n    try:\n        open(name).close()\n    except OSError:\n        pass\n', function: 'touch' };
const SYSTEM = { code: 'import os\n\ndef run(command):\n    return os.system(command)\n', function: 'run' };
const strings = (value: string) => Array.from({ length: 150 }, (_, i): FuzzCase => ({ id: `v${i}`, args: [{ type: 'str', value }] }));

const batch150 = cases(150);
const batch1000 = cases(1000);
await container(batch150); // warm the image cache
const pool = new ContainerPool(docker, env.ASC_SANDBOX_IMAGE, SANDBOX_LIMITS, {
  size: 1,
  maxIdleMs: 600_000,
  owner: `bench-${process.pid}`,
});
const base: number[] = [];
const ours: number[] = [];
const pooled: number[] = [];
const warm: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    base.push(await baseline(batch150));
    ours.push((await container(batch150)).wall);
    // A claim finds the container the pool started while nothing ran, as between a run's batches.
    await until(async () => (await idleOf(`bench-${process.pid}`)).length === 1, 'a warm container');
    pooled.push((await container(batch150, pool)).wall);
    warm.push((await container(batch1000)).inputsPerSecond);
  }
} finally {
  await pool.drain();
}
const passPool = new ContainerPool(docker, env.ASC_SANDBOX_IMAGE, SANDBOX_LIMITS, {
  size: 2,
  maxIdleMs: 600_000,
  owner: `bench-pass-${process.pid}`,
});
const byBatches: number[] = [];
const inOne: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    // Each starts with the pool full, as a run that finds the worker idle.
    await until(async () => (await idleOf(`bench-pass-${process.pid}`)).length === 2, 'two warm containers');
    byBatches.push(await passByBatches(passPool));
    await until(async () => (await idleOf(`bench-pass-${process.pid}`)).length === 2, 'two warm containers');
    inOne.push(await passInOne(passPool));
  }
} finally {
  await passPool.drain();
}
const withEvent: number[] = [];
const withoutEvent: number[] = [];
const programs: number[] = [];
for (let i = 0; i < runs; i++) {
  // The same open either way: outside the work dir (a CWE-22 event), or inside it (none).
  withEvent.push((await container(strings('../../etc/hostname'), undefined, TOUCH)).wall);
  withoutEvent.push((await container(strings('missing/../notes.txt'), undefined, TOUCH)).wall);
  programs.push((await container(strings('true'), undefined, SYSTEM)).wall);
}
const memory = await poolMemory();
const b = median(base);
const o = median(ours);
const p = median(pooled);
console.log(`${runs} runs, medians, ${batch150.length} inputs a batch`);
console.log(
  `baseline, a minimal Python process per input (no container): ${b.toFixed(0)} ms (${(b / batch150.length).toFixed(1)} ms per input)`,
);
console.log(
  `one container per batch, one fork per input:                 ${o.toFixed(0)} ms, container start included (${(b / o).toFixed(1)}x the baseline)`,
);
console.log(
  `the same batch in a warm container from the pool:            ${p.toFixed(0)} ms (${(b / p).toFixed(1)}x the baseline, ${(o / p).toFixed(2)}x a fresh container)`,
);
console.log(`inside a warm container (1000-input batch):                  ${median(warm).toFixed(0)} inputs/s`);
console.log(`a fuzz pass of ${PLAN.seeds.length + PLAN.mutations} inputs in 3 coverage-guided rounds, warm pool of 2:`);
console.log(`  a container per batch of up to 50 (before fuzz-pass):        ${median(byBatches).toFixed(0)} ms`);
console.log(
  `  every round in the same 2 containers, the code loaded once:  ${median(inOne).toFixed(0)} ms (${(median(byBatches) / median(inOne)).toFixed(2)}x)`,
);
console.log(
  `evidence, 150 inputs in one container: each streaming a security event ${median(withEvent).toFixed(0)} ms, none ${median(withoutEvent).toFixed(0)} ms (${((median(withEvent) - median(withoutEvent)) / 150).toFixed(2)} ms per event)`,
);
console.log(
  `  each starting a program (os.system("true")): ${median(programs).toFixed(0)} ms (${(median(programs) / 150).toFixed(2)} ms per input)`,
);
console.log(
  `a sandbox worker with 4 idle warm containers: ${(memory.worker + memory.containers).toFixed(0)} MiB of host memory (worker process ${memory.worker.toFixed(0)} MiB, containers ${memory.containers.toFixed(0)} MiB)`,
);
