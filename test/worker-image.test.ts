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
    temporal = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalCli() }, log: { format: 'pretty', level: 'error' } },
    });
  });
  after(() => temporal.teardown());

  it('runs as a non-root user, with production packages only', async () => {
    const { stdout: user } = await run('docker', ['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']);
    assert.equal(user.trim(), '10001');
    const probe =
      "for (const m of ['typescript', '@temporalio/testing', 'eslint']) { try { await import(m); console.log('present ' + m); } catch { console.log('absent ' + m); } }";
    const { stdout } = await run('docker', ['run', '--rm', IMAGE, '--input-type=module', '-e', probe]);
    assert.deepEqual(stdout.trim().split('\n'), ['absent typescript', 'absent @temporalio/testing', 'absent eslint']);
  });

  it("runs the static tools as the compose file does (read-only root, tmpfs /tmp): Semgrep's rule pack and Bandit find a shell injection", async () => {
    // The image has no test packages: call the analysers' own functions, as the activity does.
    const script = [
      "const { semgrepFindings } = await import('/app/dist/src/activities/analysis/semgrep.js');",
      "const { banditFindings } = await import('/app/dist/src/activities/analysis/bandit.js');",
      'const code = \'import subprocess\\n\\ndef run(name):\\n    return subprocess.check_output("ls " + name, shell=True)\\n\';',
      "const s = await semgrepFindings({ program: process.env.ASC_SEMGREP, rules: process.env.ASC_RULES }, code, 'MEDIUM');",
      "const b = await banditFindings(process.env.ASC_BANDIT, code, 'MEDIUM');",
      "console.log(JSON.stringify({ semgrep: s.findings.map((f) => f.ruleId + '@' + f.line), bandit: b.findings.map((f) => f.ruleId + '@' + f.line), errors: [...s.errors, ...b.errors] }));",
    ].join('\n');
    const { stdout } = await run('docker', ['run', '--rm', '--read-only', '--tmpfs', '/tmp', IMAGE, '--input-type=module', '-e', script]);
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'), {
      semgrep: ['command-injection-shell@4'],
      bandit: ['B602@4'],
      errors: [],
    });
  });

  it('an analysis worker from the image finds Bandit and polls the server', async () => {
    const name = `asc-worker-test-${Date.now()}`;
    const child = spawn('docker', [
      'run',
      '--rm',
      '--name',
      name,
      '--network',
      'host',
      '-e',
      `TEMPORAL_ADDRESS=${temporal.address}`,
      IMAGE,
      'dist/src/workers/analysis.js',
    ]);
    let output = '';
    try {
      output = await waitForOutput(child, 'workers running for: analysis', 60_000, 'the worker container');
    } finally {
      await run('docker', ['rm', '-f', name]).catch(() => undefined);
    }
    assert.match(output, new RegExp(`Temporal at ${temporal.address.replace(/\./g, '\\.')}`));
  });
});
