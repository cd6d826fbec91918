import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SANDBOX_LABEL } from '../src/activities/sandbox/container.js';
import { SandboxSession } from '../src/activities/sandbox/session.js';
import { runPassInContainers } from '../src/activities/sandbox/pass.js';
import { RunBatchInputSchema, RunFuzzPassInputSchema, SANDBOX_LIMITS, type FuzzCase } from '../src/common/sandbox.js';
import { digestCases, GuidedRounds, reachedLines } from '../src/domain/fuzz-rounds.js';
import { dockerFromEnv } from '../src/workers/create.js';

/** A whole fuzz pass in the same containers: the code loaded once, group after group of inputs. */

const docker = dockerFromEnv();
const image = process.env.ASC_SANDBOX_IMAGE ?? 'autosafecoder-sandbox:latest';
const str = (value: string) => ({ type: 'str' as const, value });

/** Returns when it was loaded: the same value from every input means one load. */
const STAMPED =
  'import time\nLOADED = repr(time.monotonic_ns())\n\ndef target(name):\n    if name == "boom":\n        return {}[name]\n    return LOADED\n';
const target = (label: string) => ({ code: STAMPED, function: 'target', timeoutMsPerInput: 2_000, label });
const cases = (...names: string[]): FuzzCase[] => names.map((n, i) => ({ id: `c${i}-${n}`, args: [str(n)] }));
const hooks = (label: string) => ({ signal: new AbortController().signal, label, labels: {} });

async function containersLabelled(label: string): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL, `autosafecoder.run=${label}`] } })).length;
}

describe('sandbox sessions: one container, one load, many groups (real Docker)', () => {
  it('runs group after group against the code loaded once, then removes the container', async () => {
    const label = `session-test-${process.pid}`;
    const session = await SandboxSession.open(docker, image, SANDBOX_LIMITS, hooks(label));
    try {
      let reported = 0;
      const first = await session.run(RunBatchInputSchema.parse({ ...target(label), cases: cases('a', 'boom') }), () => reported++);
      const second = await session.run(RunBatchInputSchema.parse({ ...target(label), cases: cases('b', 'c') }), () => reported++);
      assert.equal(reported, 4, 'each outcome reported once');
      assert.equal(first.outcomes[1]?.outcome.status, 'exception');
      const returned = [first.outcomes[0], ...second.outcomes].map((o) =>
        o?.outcome.status === 'ok' ? o.outcome.returned : o?.outcome.status,
      );
      assert.equal(new Set(returned).size, 1, `every input saw the same load: ${returned.join(', ')}`);
      assert.equal(second.incomplete, null);
      await assert.rejects(
        session.run(
          RunBatchInputSchema.parse({ ...target(label), code: 'def target(x):\n    return x\n', cases: cases('d') }),
          () => undefined,
        ),
        /one target/,
      );
      assert.equal(await containersLabelled(label), 1, 'one container served both groups');
    } finally {
      await session.close();
    }
    assert.equal(await containersLabelled(label), 0, 'the container is gone once the session closes');
  });

  it('answers a group after its container died with the reason, not with outcomes', async () => {
    const label = `session-dead-${process.pid}`;
    const session = await SandboxSession.open(docker, image, SANDBOX_LIMITS, hooks(label));
    try {
      const first = await session.run(RunBatchInputSchema.parse({ ...target(label), cases: cases('a') }), () => undefined);
      assert.equal(first.outcomes[0]?.outcome.status, 'ok');
      const [running] = await docker.listContainers({ filters: { label: [`autosafecoder.run=${label}`] } });
      await docker.getContainer(running?.Id ?? '').kill();
      const after = await session.run(RunBatchInputSchema.parse({ ...target(label), cases: cases('b', 'c') }), () => undefined);
      assert.deepEqual(
        after.outcomes.map((o) => o.outcome.status),
        ['not-run', 'not-run'],
      );
      assert.match(after.incomplete ?? '', /2 of 2 inputs have no outcome: the container was killed/);
    } finally {
      await session.close();
    }
  });
});

describe('a fuzz pass: every round in the same containers (real Docker)', () => {
  const seeds = cases('report.txt');
  const plan = { seeds, mutations: 40, seed: 3, rounds: 3, maxChars: SANDBOX_LIMITS.maxInputChars, mutable: [], attackStrings: true };

  it('spreads each round over two containers and reports rounds the workflow derives again to the same inputs', async () => {
    const label = `pass-test-${process.pid}`;
    let reported = 0;
    let most = 0;
    const watch = setInterval(() => void containersLabelled(label).then((n) => (most = Math.max(most, n))), 50);
    const input = RunFuzzPassInputSchema.parse({ ...target(label), coverage: true, rounds: plan });
    const result = await runPassInContainers(docker, image, input, SANDBOX_LIMITS, {
      ...hooks(label),
      onOutcome: (n) => (reported = n),
      containers: 2,
    }).finally(() => clearInterval(watch));
    assert.equal(result.containers, 2);
    assert.ok(most <= 2, `at most two containers at once, saw ${most}`);
    assert.equal(result.rounds.length, 3);
    assert.equal(reported, result.outcomes.length, 'the heartbeat counts every input of every round');
    assert.equal(result.loadError, null);
    assert.equal(result.incomplete, null);
    // The workflow's side: the same plan and the lines each input reached give the same inputs.
    const reached = reachedLines(result.outcomes);
    const guided = new GuidedRounds(plan);
    for (const round of result.rounds) {
      const batch = guided.next();
      assert.ok(batch);
      assert.equal(digestCases(batch), round.digest);
      guided.record(batch, reached, false);
    }
    assert.deepEqual(
      result.outcomes.map((o) => o.id),
      guided.cases.map((c) => c.id),
    );
    assert.equal(guided.cases.length, 41, 'the seed and 40 mutations');
    assert.ok(result.coverable.length > 0 && Object.keys(reached).length === 41, 'coverage came back for every input');
    assert.equal(await containersLabelled(label), 0, 'both containers are gone');
  });

  it('stops after the first round when the code cannot load, and leaves no container', async () => {
    const label = `pass-broken-${process.pid}`;
    const input = RunFuzzPassInputSchema.parse({
      ...target(label),
      code: 'import no_such_module_here_at_all\nraise SystemExit(3)\n',
      rounds: plan,
    });
    const result = await runPassInContainers(docker, image, input, SANDBOX_LIMITS, {
      ...hooks(label),
      onOutcome: () => undefined,
      containers: 2,
    });
    assert.equal(result.rounds.length, 1, 'no round after a load failure');
    assert.match(result.loadError ?? '', /SystemExit/);
    assert.ok(result.outcomes.every((o) => o.outcome.status === 'not-run'));
    assert.equal(await containersLabelled(label), 0);
  });
});
