import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ContainerPool } from '../src/activities/sandbox/pool.js';
import { POOL_LABEL, SANDBOX_LABEL, startContainer } from '../src/activities/sandbox/container.js';
import { runBatchInContainer } from '../src/activities/sandbox/session.js';
import { RunBatchInputSchema, SANDBOX_LIMITS } from '../src/common/sandbox.js';
import { dockerFromEnv } from '../src/workers/create.js';
import { idleContainers, until } from './support/containers.js';

/** Warm sandbox containers: locked down as fresh ones, each serving one batch, then gone. */

const docker = dockerFromEnv();
const image = process.env.ASC_SANDBOX_IMAGE ?? 'autosafecoder-sandbox:latest';
const OWNER = `pool-test-${process.pid}`;

const idleOf = (owner: string) => idleContainers(docker, owner);

const CODE = 'import os\n\ndef target(name):\n    return os.path.join("uploads", name)\n';
const batch = (label: string) =>
  RunBatchInputSchema.parse({
    code: CODE,
    function: 'target',
    cases: [
      { id: 'a', args: [{ type: 'str', value: 'x.txt' }] },
      { id: 'b', args: [{ type: 'str', value: '../etc/passwd' }] },
    ],
    timeoutMsPerInput: 1000,
    label,
  });

describe('the warm sandbox pool (real Docker)', () => {
  const pool = new ContainerPool(docker, image, SANDBOX_LIMITS, { size: 2, maxIdleMs: 60_000, owner: OWNER });
  after(() => pool.drain());

  it('keeps its containers started, locked down exactly as a fresh container', async () => {
    await until(async () => (await idleOf(OWNER)).length === 2, 'two warm containers');
    const fresh = await startContainer(docker, image, SANDBOX_LIMITS, { [POOL_LABEL]: `${OWNER}-fresh` });
    try {
      const [warm] = await idleOf(OWNER);
      const warmHost = (await docker.getContainer(warm?.Id ?? '').inspect()).HostConfig;
      const freshHost = (await fresh.container.inspect()).HostConfig;
      for (const key of [
        'NetworkMode',
        'ReadonlyRootfs',
        'Tmpfs',
        'CapDrop',
        'SecurityOpt',
        'Memory',
        'MemorySwap',
        'PidsLimit',
        'NanoCpus',
        'Ulimits',
        'AutoRemove',
      ] as const) {
        assert.deepEqual(warmHost[key], freshHost[key], key);
      }
      assert.equal(warmHost.NetworkMode, 'none');
      assert.equal(warmHost.ReadonlyRootfs, true);
      assert.deepEqual(warmHost.CapDrop, ['ALL']);
      assert.equal(warm?.Labels[SANDBOX_LABEL], 'true');
    } finally {
      fresh.stream.end();
      await fresh.container.remove({ force: true }).catch(() => undefined);
    }
  });

  it('hands each container to one batch only, named for it, removes it after, and refills', async () => {
    await until(async () => (await idleOf(OWNER)).length === 2, 'two warm containers');
    const warm = new Set((await idleOf(OWNER)).map((c) => c.Id));
    const served: string[] = [];
    for (const n of [1, 2, 3]) {
      const name = `asc-pool-test-run-${n}-${process.pid}`;
      const result = await runBatchInContainer(docker, image, batch(`run-${n}`), SANDBOX_LIMITS, {
        pool,
        claimName: name,
        signal: new AbortController().signal,
        // While its batch runs, the claimed container carries the batch's name.
        onOutcome: () => void docker.listContainers({ filters: { name: [name] } }).then((found) => found.forEach((c) => served.push(c.Id))),
      });
      assert.equal(result.loadError, null);
      assert.deepEqual(
        result.outcomes.map((o) => o.outcome.status),
        ['ok', 'ok'],
      );
      assert.deepEqual(await docker.listContainers({ all: true, filters: { name: [name] } }), [], `the container of run ${n} was removed`);
    }
    const ids = [...new Set(served)];
    assert.equal(ids.length, 3, 'three batches, three containers');
    assert.ok(
      ids.slice(0, 2).every((id) => warm.has(id)),
      'the first two were the warm ones',
    );
    await until(async () => (await idleOf(OWNER)).length === 2, 'the pool refilled to two');
    assert.ok(
      (await idleOf(OWNER)).every((c) => !ids.includes(c.Id)),
      'no container that served a batch waits again',
    );
  });

  it('does not hand out a warm container that died while it waited', async () => {
    await until(async () => (await idleOf(OWNER)).length === 2, 'two warm containers');
    for (const c of await idleOf(OWNER))
      await docker
        .getContainer(c.Id)
        .kill()
        .catch(() => undefined);
    const result = await runBatchInContainer(docker, image, batch('after-kill'), SANDBOX_LIMITS, {
      pool,
      claimName: `asc-pool-test-after-kill-${process.pid}`,
      signal: new AbortController().signal,
      onOutcome: () => undefined,
    });
    assert.equal(result.loadError, null);
    assert.equal(result.incomplete, null);
    assert.deepEqual(
      result.outcomes.map((o) => o.outcome.status),
      ['ok', 'ok'],
    );
  });

  it('drains: no container of the pool is left', async () => {
    const other = new ContainerPool(docker, image, SANDBOX_LIMITS, { size: 3, maxIdleMs: 60_000, owner: `${OWNER}-drain` });
    await until(async () => (await idleOf(`${OWNER}-drain`)).length === 3, 'three warm containers');
    await other.drain();
    assert.deepEqual(await idleOf(`${OWNER}-drain`), []);
  });
});
