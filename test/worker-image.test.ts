import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { waitForOutput } from './support/processes.js';
import { temporalCli } from './support/stack.js';

/**
 * The worker image (docker/worker/Dockerfile, built by scripts/build-worker-image.sh on a local
 * base): it runs as an unprivileged user, holds production packages only, and its workers pass
 * their own preflight (Bandit for the analysis queue) and connect to a real Temporal server.
 */

const IMAGE = 'autosafecoder-worker:latest';
const run = promisify(execFile);

describe('worker image', () => {
  let temporal: TestWorkflowEnvironment;
  before(async () => {
    temporal = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalCli() }, log: { format: 'pretty', level: 'error' } } });
  });
  after(() => temporal.teardown());

  it('runs as a non-root user, with production packages only', async () => {
    const { stdout: user } = await run('docker', ['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']);
    assert.equal(user.trim(), '10001');
    const probe = "for (const m of ['typescript', '@temporalio/testing', 'eslint']) { try { await import(m); console.log('present ' + m); } catch { console.log('absent ' + m); } }";
    const { stdout } = await run('docker', ['run', '--rm', IMAGE, '--input-type=module', '-e', probe]);
    assert.deepEqual(stdout.trim().split('\n'), ['absent typescript', 'absent @temporalio/testing', 'absent eslint']);
  });

  it('an analysis worker from the image finds Bandit and polls the server', async () => {
    const name = `asc-worker-test-${Date.now()}`;
    const child = spawn('docker', ['run', '--rm', '--name', name, '--network', 'host', '-e', `TEMPORAL_ADDRESS=${temporal.address}`, IMAGE, 'dist/src/workers/analysis.js']);
    let output = '';
    try {
      output = await waitForOutput(child, 'workers running for: analysis', 60_000, 'the worker container');
    } finally {
      await run('docker', ['rm', '-f', name]).catch(() => undefined);
    }
    assert.match(output, new RegExp(`Temporal at ${temporal.address.replace(/\./g, '\\.')}`));
  });
});
