import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, runBatchInContainer, SANDBOX_LABEL } from '../src/activities/sandbox/container.js';
import type { FuzzCase, FuzzOutcome } from '../src/common/schemas.js';
import { dockerFromEnv } from '../src/workers/create.js';

const docker = dockerFromEnv();
const image = process.env.ASC_SANDBOX_IMAGE ?? 'autosafecoder-sandbox:latest';

const TARGET = `
import os
import time

def target(x):
    if x == "reject":
        raise ValueError("rejected on purpose")
    if x == "hang":
        while True:
            pass
    if x == "exit":
        os._exit(3)
    if x == "net":
        import socket
        socket.create_connection(("127.0.0.1", 7233), timeout=1)
    if x == "write":
        with open("/etc/owned", "w") as f:
            f.write("x")
    if x == "print":
        print("noise that must not reach the protocol")
        return "printed"
    return 10 // len(x)
`;

const str = (id: string, value: string): FuzzCase => ({ id, args: [{ type: 'str', value }] });

async function run(code: string, cases: FuzzCase[], timeoutMsPerInput = 1000) {
  const controller = new AbortController();
  const result = await runBatchInContainer(docker, image, { code, function: 'target', cases, timeoutMsPerInput, label: 'test' }, DEFAULT_LIMITS, { onOutcome: () => undefined, signal: controller.signal });
  return { ...result, byId: new Map<string, FuzzOutcome>(result.outcomes.map((o) => [o.id, o.outcome])) };
}

async function sandboxContainers(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } })).length;
}

describe('sandbox batch (real containers)', () => {
  it('reports each input: ok, crash, deliberate rejection, timeout, exit', async () => {
    const { byId, loadError } = await run(TARGET, [str('ok', 'abc'), str('crash', ''), str('reject', 'reject'), str('hang', 'hang'), str('exit', 'exit'), str('print', 'print')]);
    assert.equal(loadError, null);
    assert.deepEqual(byId.get('ok'), { status: 'ok', returned: '3' });
    const crash = byId.get('crash');
    assert.equal(crash?.status, 'exception');
    assert.equal(crash?.status === 'exception' && crash.exceptionType, 'ZeroDivisionError');
    assert.equal(crash?.status === 'exception' && crash.line, 22);
    assert.equal(byId.get('reject')?.status, 'rejected');
    assert.deepEqual(byId.get('hang'), { status: 'timeout' });
    assert.deepEqual(byId.get('exit'), { status: 'exited', exitCode: 3 });
    assert.deepEqual(byId.get('print'), { status: 'ok', returned: "'printed'" });
  });

  it('has no network and a read-only root', async () => {
    const { byId } = await run(TARGET, [str('net', 'net'), str('write', 'write')]);
    const net = byId.get('net');
    assert.equal(net?.status, 'exception');
    assert.match(net?.status === 'exception' ? `${net.exceptionType} ${net.message}` : '', /OSError|unreachable|refused/i);
    const write = byId.get('write');
    assert.equal(write?.status, 'exception');
    assert.match(write?.status === 'exception' ? write.message : '', /Read-only file system|Permission denied/);
  });

  it('reports code that cannot load, and marks every input not run', async () => {
    const { loadError, outcomes } = await run('import not_a_module\ndef target(x):\n    return x\n', [str('a', 'x')]);
    assert.match(loadError ?? '', /ModuleNotFoundError: No module named 'not_a_module'/);
    assert.equal(outcomes[0]?.outcome.status, 'not-run');
  });

  it('reports a missing function', async () => {
    const { loadError } = await run('def other(x):\n    return x\n', [str('a', 'x')]);
    assert.match(loadError ?? '', /no function named 'target'/);
  });

  it('removes its container on every path, cancellation included', async () => {
    const controller = new AbortController();
    const pending = runBatchInContainer(docker, image, { code: TARGET, function: 'target', cases: [str('h1', 'hang'), str('h2', 'hang'), str('h3', 'hang')], timeoutMsPerInput: 5000, label: 'cancel-test' }, DEFAULT_LIMITS, {
      onOutcome: () => undefined,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 1500);
    const started = Date.now();
    const result = await pending;
    assert.ok(Date.now() - started < 10_000, 'cancellation did not stop the batch');
    assert.ok(result.outcomes.every((o) => o.outcome.status === 'not-run'));
    assert.equal(await sandboxContainers(), 0);
  });
});

describe('sandbox worker start-up', () => {
  it('refuses to start without a Docker engine, and says why', () => {
    const entry = fileURLToPath(new URL('../src/workers/sandbox.js', import.meta.url));
    const run = spawnSync(process.execPath, [entry], { env: { ...process.env, DOCKER_HOST: 'unix:///tmp/asc-no-docker.sock' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot start: the sandbox worker needs a Docker engine and cannot reach one/);
    assert.match(run.stderr, /DOCKER_HOST/);
  });

  it('refuses to start without the sandbox image, naming the build script', () => {
    const entry = fileURLToPath(new URL('../src/workers/sandbox.js', import.meta.url));
    const run = spawnSync(process.execPath, [entry], { env: { ...process.env, ASC_SANDBOX_IMAGE: 'autosafecoder-sandbox:does-not-exist' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /sandbox image autosafecoder-sandbox:does-not-exist is missing: build it with scripts\/build-sandbox-image.sh/);
  });
});
