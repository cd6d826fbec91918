/**
 * Sandbox speed: a 150-input batch in one container (start included) against a baseline that
 * runs one process per input as the reference executor does (no container), in the same run;
 * and the throughput inside a warm container. Prints medians.
 *
 *   bash scripts/bench.sh sandbox-speed [runs]
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { runBatchInContainer } from '../src/activities/sandbox/container.js';
import { loadEnv } from '../src/common/config.js';
import type { FuzzValue } from '../src/common/fuzz-value.js';
import { RunBatchInputSchema, SANDBOX_LIMITS, type FuzzCase } from '../src/common/sandbox.js';
import { deriveInputs } from '../src/workflows/mutate.js';
import { dockerFromEnv } from '../src/workers/create.js';
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

const seeds: FuzzCase[] = [{ id: 's1', args: [{ type: 'str', value: 'report.txt' }, { type: 'int', value: '64' }] }];
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
    await runProcess(env.ASC_PYTHON, ['-c', RUNNER], JSON.stringify({ code: CODE, function: 'sanitize_filename', args: item.args.map(plain) }));
  }
  return performance.now() - started;
}

async function container(batch: FuzzCase[]): Promise<{ wall: number; inputsPerSecond: number }> {
  const stamps: number[] = [];
  const started = performance.now();
  const input = RunBatchInputSchema.parse({ code: CODE, function: 'sanitize_filename', cases: batch, timeoutMsPerInput: 2000, label: 'bench' });
  const result = await runBatchInContainer(docker, env.ASC_SANDBOX_IMAGE, input, SANDBOX_LIMITS, { onOutcome: () => stamps.push(performance.now()), signal: new AbortController().signal });
  const wall = performance.now() - started;
  if (result.loadError || result.outcomes.some((o) => o.outcome.status === 'not-run')) throw new Error(`bench batch failed: ${result.loadError ?? 'inputs not run'}`);
  const first = stamps[0] ?? started;
  const last = stamps.at(-1) ?? started;
  return { wall, inputsPerSecond: stamps.length > 1 ? ((stamps.length - 1) * 1000) / (last - first) : 0 };
}

const batch150 = cases(150);
const batch1000 = cases(1000);
await container(batch150); // warm the image cache
const base: number[] = [];
const ours: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  base.push(await baseline(batch150));
  ours.push((await container(batch150)).wall);
  warm.push((await container(batch1000)).inputsPerSecond);
}
const b = median(base);
const o = median(ours);
console.log(`${runs} runs, medians, ${batch150.length} inputs a batch`);
console.log(`baseline, a minimal Python process per input (no container): ${b.toFixed(0)} ms (${(b / batch150.length).toFixed(1)} ms per input)`);
console.log(`one container per batch, one fork per input:                 ${o.toFixed(0)} ms, container start included`);
console.log(`throughput ratio: ${(b / o).toFixed(1)}x the baseline`);
console.log(`inside a warm container (1000-input batch):                  ${median(warm).toFixed(0)} inputs/s`);
