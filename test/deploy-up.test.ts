import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import Docker from 'dockerode';
import { z } from 'zod';
import { ENCRYPTED_ENCODING } from '../src/codec/aes-gcm.js';
import { POOL_LABEL, SANDBOX_LABEL } from '../src/activities/sandbox/container.js';
import { CLI } from './support/cli.js';
import { batchContainers, idleContainers, until } from './support/containers.js';
import { sallmTasks } from './support/data.js';
import { freePort } from './support/processes.js';

/**
 * The deployment run for real: docker-compose.local.yml (the production services of
 * docker-compose.asc.yml, with the Temporal server built here) brought up with three sandbox
 * workers, a dozen SALLM audits run through the CLI from the host with payloads encrypted, and
 * workers killed and Temporal restarted while they run. Needs the worker and Temporal images
 * (scripts/test.sh builds them, as scripts/deploy-local.sh does).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROJECT = 'asc-deploy-test';
const NAMESPACE = 'asc-deploy';
const TASKS = 12;
const run = promisify(execFile);
const docker = new Docker();

// The caller's own Temporal, model and deployment settings must not leak in.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(POSTGRES_|ASC_|OPENAI_|TEMPORAL_|COMPOSE_)/.test(k)));

const container = (service: string, index = 1) => `${PROJECT}-${service}-${index}`;

const ResultLineSchema = z.looseObject({ id: z.string(), workflowId: z.string(), status: z.string() });

describe('docker-compose.local.yml, up for real', { timeout: 900_000 }, () => {
  const secrets = mkdtempSync(join(tmpdir(), 'asc-deploy-secrets-'));
  const work = mkdtempSync(join(tmpdir(), 'asc-deploy-work-'));
  const token = 'deploy-test-token-0123456789abcdef';
  const env: Record<string, string | undefined> = { ...cleanEnv };
  let client: Client;
  /** The sandbox workers' hostnames: their warm containers carry them as owner. */
  let sandboxHosts: string[] = [];
  const compose = (...args: string[]) =>
    run('docker', ['compose', '-f', `${ROOT}docker-compose.local.yml`, ...args], { env, cwd: ROOT, maxBuffer: 16 << 20 });

  before(async () => {
    writeFileSync(join(secrets, 'asc_codec_key'), Buffer.alloc(32, 7).toString('base64'));
    writeFileSync(join(secrets, 'asc_codec_token'), token);
    writeFileSync(join(secrets, 'openai_api_key'), '');
    const [temporalPort, uiPort, codecPort] = [await freePort(), await freePort(), await freePort()];
    Object.assign(env, {
      COMPOSE_PROJECT_NAME: PROJECT,
      ASC_SECRETS_DIR: secrets,
      TEMPORAL_HOST_PORT: String(temporalPort),
      TEMPORAL_UI_HOST_PORT: String(uiPort),
      ASC_CODEC_HOST_PORT: String(codecPort),
      ASC_CODEC_ENDPOINT: `http://localhost:${codecPort}/t/${token}`,
      // A namespace the server does not have: the setup job must create it.
      TEMPORAL_NAMESPACE: NAMESPACE,
      DOCKER_GID: String(statSync('/var/run/docker.sock').gid),
    });
    // A previous run killed half-way may have left its project behind.
    await compose('down', '-v', '--remove-orphans');
    await compose('up', '-d', '--wait', '--wait-timeout', '240', '--scale', 'sandbox-worker=3');
    client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${temporalPort}` }), namespace: NAMESPACE });
  });

  after(async () => {
    await client?.connection.close();
    await compose('down', '-v', '--remove-orphans').catch(() => undefined);
    rmSync(secrets, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** The CLI on the host, as a user runs it against the deployment. */
  const cli = (args: string[]) =>
    spawn(process.execPath, [CLI, ...args], {
      env: {
        ...cleanEnv,
        TEMPORAL_ADDRESS: `127.0.0.1:${env.TEMPORAL_HOST_PORT}`,
        TEMPORAL_NAMESPACE: NAMESPACE,
        ASC_CODEC_KEY_FILE: join(secrets, 'asc_codec_key'),
        TEMPORAL_UI_URL: `http://localhost:${env.TEMPORAL_UI_HOST_PORT}`,
      },
    });

  const batchId = 'deploy-batch';
  const tasks = sallmTasks().slice(0, TASKS);

  it('runs a dozen SALLM audits, encrypted, through killed workers and a Temporal restart: each task once, fuzzing on several sandbox workers, no container left', async () => {
    const input = join(work, 'tasks.jsonl');
    writeFileSync(input, tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
    const child = cli(['batch', input, '--audit', '--concurrency', '4', '--id', batchId, '--out', join(work, 'out')]);
    // Progress goes to stderr, the report to stdout.
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const done = () => Math.max(0, ...[...`${stdout}${stderr}`.matchAll(/(\d+)\/12 done/g)].map((m) => Number(m[1])));
    try {
      await until(() => Promise.resolve(done() >= 2), `2 of the ${TASKS} tasks done`, 180_000);
      assert.ok(done() < TASKS, 'the batch is still running when the workers are killed');

      // An operator's kill: these stay down until started again.
      await run('docker', ['kill', container('sandbox-worker', 2), container('llm-worker'), container('analysis-worker')]);
      // A crash (the process killed, not the container stopped): the restart policy brings it back.
      const { stdout: pid } = await run('docker', ['inspect', '-f', '{{.State.Pid}}', container('workflows-worker')]);
      process.kill(Number(pid.trim()), 'SIGKILL');
      await run('docker', ['restart', container('temporal')]);
      await until(
        async () => (await docker.getContainer(container('temporal')).inspect()).State.Health?.Status === 'healthy',
        'Temporal healthy again after its restart',
        120_000,
      );
      await run('docker', ['start', container('llm-worker'), container('analysis-worker')]);

      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 300_000).unref())]);
      assert.notEqual(code, 'timeout', `the batch finishes within 5 minutes of the restart:\n${stdout.slice(-600)}\n${stderr.slice(-600)}`);
      assert.match(`${stdout}${stderr}`, new RegExp(`batch ${batchId} completed: ${TASKS}/${TASKS} tasks closed`));
      // Audits of insecure code: vulnerable verdicts exit 1; 2 would be an error.
      assert.ok(code === 0 || code === 1, `exit code ${String(code)}: ${stderr}`);
    } finally {
      child.kill('SIGKILL');
    }

    const crashed = await docker.getContainer(container('workflows-worker')).inspect();
    assert.ok(crashed.RestartCount >= 1 && crashed.State.Running, 'the crashed workflows worker was restarted by its restart policy');

    // Every task once: one result each, one run each in Temporal's visibility, all completed.
    const results = readFileSync(join(work, 'out', 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => ResultLineSchema.parse(JSON.parse(line)));
    assert.deepEqual(results.map((r) => r.id).sort(), tasks.map((t) => t.id).sort());
    assert.ok(
      results.every((r) => r.status === 'completed'),
      JSON.stringify(results.map((r) => r.status)),
    );
    const runs: { workflowId: string; status: string }[] = [];
    for await (const execution of client.workflow.list({
      query: `WorkflowType = "hardenWorkflow" AND WorkflowId STARTS_WITH "${batchId}/"`,
    }))
      runs.push({ workflowId: execution.workflowId, status: execution.status.name });
    assert.deepEqual(
      runs.map((r) => r.workflowId).sort(),
      results.map((r) => r.workflowId).sort(),
      'one harden run per task, none repeated',
    );
    assert.ok(runs.every((r) => r.status === 'COMPLETED'));

    // Which worker ran each fuzz step: the identity (pid@hostname) Temporal recorded when it started.
    const fuzzedOn = new Set<string>();
    for (const r of results) {
      const history = await client.workflow.getHandle(r.workflowId).fetchHistory();
      const types = new Map<string, string>();
      for (const event of history.events ?? []) {
        const scheduled = event.activityTaskScheduledEventAttributes;
        if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '');
        const started = event.activityTaskStartedEventAttributes;
        if (started && /^runFuzz/.test(types.get(String(started.scheduledEventId)) ?? ''))
          fuzzedOn.add((started.identity ?? '').split('@')[1] ?? '');
      }
    }
    sandboxHosts = await Promise.all(
      [1, 2, 3].map(async (i) => (await docker.getContainer(container('sandbox-worker', i)).inspect()).Config.Hostname),
    );
    assert.ok(
      [...fuzzedOn].every((host) => sandboxHosts.includes(host)),
      `fuzz steps ran on sandbox workers only: ${[...fuzzedOn].join(', ')}`,
    );
    assert.ok(fuzzedOn.size >= 2, `fuzz steps ran on more than one sandbox worker: ${[...fuzzedOn].join(', ')}`);

    // No sandbox container of any run is left; only the live workers' warm pools remain.
    await until(async () => (await batchContainers(docker, { all: true })).length === 0, 'every container a run used removed', 60_000);
    const live = sandboxHosts.filter((_, i) => i !== 1);
    const idle = await idleContainers(docker);
    assert.ok(
      idle.every((c) => live.some((host) => c.Labels[POOL_LABEL]?.startsWith(`${host}-`))),
      'the warm containers belong to the live sandbox workers',
    );
  });

  it("the codec endpoint decrypts the batch's payloads for a caller with its token only", async () => {
    const history = await client.workflow.getHandle(`${batchId}/${tasks[0]?.id ?? ''}`).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    assert.ok(payload?.metadata && payload.data, 'the run has an input payload');
    assert.equal(Buffer.from(payload.metadata.encoding ?? new Uint8Array()).toString(), ENCRYPTED_ENCODING, 'Temporal holds it encrypted');
    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(payload.data).toString('base64'),
        },
      ],
    };
    const decode = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${env.ASC_CODEC_HOST_PORT}/decode`, {
        method: 'POST',
        body: JSON.stringify(wire),
        headers: { 'content-type': 'application/json', ...headers },
      });

    const opened = await decode({ authorization: `Bearer ${token}` });
    assert.equal(opened.status, 200);
    const body = z.object({ payloads: z.array(z.object({ data: z.string() })) }).parse(await opened.json());
    assert.match(Buffer.from(body.payloads[0]?.data ?? '', 'base64').toString(), new RegExp(tasks[0]?.id.replace(/\./g, '\\.') ?? '$^'));
    for (const headers of [{}, { authorization: `Bearer ${token.slice(1)}x` }] as Record<string, string>[])
      assert.equal((await decode(headers)).status, 401);
  });

  it('docker compose down leaves no container of the deployment and no sandbox container', async () => {
    await compose('down', '-v');
    const ofProject = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${PROJECT}`] } });
    assert.deepEqual(
      ofProject.map((c) => c.Names[0]),
      [],
    );
    const ours = async () =>
      (await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } })).filter((c) =>
        sandboxHosts.some((host) => c.Labels[POOL_LABEL]?.startsWith(`${host}-`)),
      );
    await until(
      async () => (await ours()).length === 0 && (await batchContainers(docker, { all: true })).length === 0,
      "the sandbox workers' warm containers removed with them",
      30_000,
    );
  });
});
