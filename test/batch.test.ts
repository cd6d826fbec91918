import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { DuplicateIdsError, parseBatchFile } from '../src/client/batch-input.js';
import { progressLine } from '../src/client/batch-cli.js';
import { codePath, SarifSchema } from '../src/client/batch-report.js';
import { batchState, cancelRun, collectTasks, startBatch } from '../src/client/batch.js';
import { BatchOutcomeSchema, type BatchProgress } from '../src/common/schemas/index.js';
import { SEARCH_ATTRIBUTES } from '../src/common/search-attributes.js';
import { emptyTotals } from '../src/workflows/batch.js';
import { dockerFromEnv } from '../src/workers/create.js';
import { runCli } from './support/cli.js';
import { sallmTasks } from './support/data.js';
import { ScriptedLlm } from './support/scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_TASK, securityAwareModel } from './support/scenarios.js';
import { startStack, type Stack } from './support/stack.js';
import { batchContainers } from './support/containers.js';

/** Batch jobs: the file format, the parent workflow on real parts, the CLI and its outputs. */

describe('batch files', () => {
  it('reads SALLM, SecurityEval and plain lines, and reports bad lines by number', () => {
    const text = [
      JSON.stringify({ id: 'sallm-1', prompt: 'def f(x):\n    """Double x."""', insecure_code: 'def f(x):\n    return eval(x)\n' }),
      '',
      '{"id": "broken",',
      JSON.stringify({ ID: 'CWE-020_author_1.py', Prompt: 'def g(y):\n    """."""', Insecure_code: 'def g(y):\n    return y\n' }),
      JSON.stringify({ prompt: 'def h(): pass' }),
      JSON.stringify({ id: 7, code: 'def k(z):\n    return z\n' }),
      JSON.stringify(['not', 'an', 'object']),
      JSON.stringify({ id: 'empty', prompt: '   ' }),
    ].join('\n');
    const generated = parseBatchFile(text, 'prompt');
    assert.deepEqual(
      generated.tasks.map((t) => [t.id, t.prompt !== undefined ? 'prompt' : 'code']),
      [
        ['sallm-1', 'prompt'],
        ['CWE-020_author_1.py', 'prompt'],
        ['7', 'code'],
      ],
    );
    assert.deepEqual(
      generated.skipped.map((s) => s.line),
      [3, 5, 7, 8],
    );
    assert.match(generated.skipped[0]?.reason ?? '', /not JSON/);
    assert.match(generated.skipped[1]?.reason ?? '', /no id/);
    assert.match(generated.skipped[3]?.reason ?? '', /neither a prompt/);

    const audited = parseBatchFile(text, 'code');
    assert.deepEqual(
      audited.tasks.map((t) => [t.id, t.code?.split('\n')[1]]),
      [
        ['sallm-1', '    return eval(x)'],
        ['CWE-020_author_1.py', '    return y'],
        ['7', '    return z'],
      ],
    );
    assert.match(audited.skipped.find((s) => s.line === 8)?.reason ?? '', /no code to analyse/);
  });

  it('refuses duplicate ids up front, naming them and their lines', () => {
    const line = (id: string) => JSON.stringify({ id, code: 'x = 1\n' });
    assert.throws(
      () => parseBatchFile([line('a'), line('b'), line('a'), line('b'), line('c')].join('\n'), 'code'),
      (error: unknown) => {
        assert.ok(error instanceof DuplicateIdsError);
        assert.match(error.message, /a \(lines 1, 3\); b \(lines 2, 4\)/);
        return true;
      },
    );
  });

  it('names code files after task ids, without collisions between ids that need escaping', () => {
    assert.equal(codePath('CWE-020_author_1.py'), 'code/CWE-020_author_1.py');
    assert.match(codePath('plain'), /^code\/plain\+[0-9a-f]{16}\.py$/);
    assert.notEqual(codePath('a'), codePath('a.py'), 'an id and the same id as a file name');
    assert.equal(codePath('a.py'), 'code/a.py');
    assert.notEqual(codePath('../x.py'), 'code/../x.py');
    assert.match(codePath('../x.py'), /^code\/[\w.-]+\+[0-9a-f]{16}\.py$/);
    assert.match(codePath('a/b'), /^code\/a_b\+[0-9a-f]{16}\.py$/);
    assert.notEqual(codePath('a/b'), codePath('a_b'));
    assert.notEqual(codePath('a/b'), codePath('a:b'));
  });

  it('the progress line counts and estimates the time left from the rate so far', () => {
    const totals = { ...emptyTotals(0), started: 30, done: 25, secure: 20, vulnerable: 4, failed: 1 };
    const progress: BatchProgress = { totals, total: 100, skipped: [], budget: null, running: ['a', 'b'], pending: 70, cancelling: false };
    const line = progressLine(progress, 50_000, 20);
    assert.match(
      line,
      /^\[#####\.{15}\] 25\/100 done · 20 secure · 4 vulnerable · 0 unverified · 1 failed · 2 running · ETA 2m30s · 50s elapsed$/,
    );
    assert.match(progressLine({ ...progress, cancelling: true }, 50_000), /cancelling/);
  });
});

describe('batch runs (real dev server, workers, containers; scripted LLM)', () => {
  let llm: ScriptedLlm;
  let stack: Stack;
  let dir: string;
  const temporalEnv = () => ({ TEMPORAL_ADDRESS: stack.testEnv.address, TEMPORAL_NAMESPACE: stack.testEnv.namespace ?? 'default' });
  const auditEnv = () => ({ ...temporalEnv(), OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined });

  before(async () => {
    llm = await ScriptedLlm.start(securityAwareModel);
    stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'], llmUrl: llm.url });
    dir = await mkdtemp(join(tmpdir(), 'asc-batch-'));
  });
  after(async () => {
    await stack.stop();
    await llm.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('audits SALLM samples through the CLI: skips a bad line, continues as new, re-attaches, writes JSONL, SARIF and Markdown', async () => {
    const samples = sallmTasks()
      .filter((t) => /cwe078|cwe094|cwe022/.test(t.id))
      .slice(0, 4);
    assert.equal(samples.length, 4);
    const file = join(dir, 'sallm.jsonl');
    const lines = samples.map((t) => JSON.stringify(t));
    lines.splice(2, 0, '{"id": "truncated", "prompt": ');
    await writeFile(file, `${lines.join('\n')}\n`);
    const out = join(dir, 'out');

    const started = await runCli(
      ['batch', file, '--audit', '--concurrency', '3', '--tasks-per-run', '2', '--id', 'batch-cli', '--no-wait', '--mutations', '40'],
      auditEnv(),
    );
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout.trim(), 'batch-cli');
    assert.match(started.stderr, /sallm\.jsonl:3: skipped: not JSON/);

    // Another terminal follows it to the end and writes the outputs.
    const attached = await runCli(['batch', '--attach', 'batch-cli', '--out', out], temporalEnv());
    assert.equal(attached.code, 1, `${attached.stdout}\n${attached.stderr}`);
    assert.match(attached.stdout, /batch batch-cli completed: 4\/4 tasks closed/);
    assert.match(attached.stderr, /\] 4\/4 done/);

    const results = (await readFile(join(out, 'results.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            id: string;
            status: string;
            verdict: string;
            mode: string;
            codeFile: string;
            findingsBefore: Record<string, number>;
          },
      );
    assert.deepEqual(results.map((r) => r.id).sort(), samples.map((s) => s.id).sort());
    for (const r of results) {
      assert.equal(r.status, 'completed');
      assert.equal(r.mode, 'audit');
      assert.ok(existsSync(join(out, r.codeFile)), `${r.codeFile} written`);
    }
    assert.ok(results.some((r) => r.verdict === 'vulnerable'));

    const sarif = SarifSchema.parse(JSON.parse(await readFile(join(out, 'results.sarif'), 'utf8')));
    const run = sarif.runs[0];
    assert.ok(run && run.results.length > 0, 'SARIF has results');
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId);
      assert.ok(existsSync(join(out, result.locations[0]?.physicalLocation.artifactLocation.uri ?? '')));
    }
    assert.ok(
      run.results.some((r) => r.ruleId === 'CWE-78'),
      'the OS command injection sample is reported as CWE-78',
    );
    // One result per weakness and place, its failing inputs attached; the level follows the kind.
    const levels = { security: 'error', robustness: 'warning', contract: 'note' };
    for (const result of run.results) assert.equal(result.level, levels[result.properties.kind], JSON.stringify(result.properties));
    const fuzzResults = run.results.filter((r) => r.properties.detectedBy === 'fuzzing');
    assert.ok(
      fuzzResults.length > 0 &&
        fuzzResults.every((r) => (r.properties.failingInputs ?? 0) >= 1 && (r.properties.exampleInputs ?? []).length >= 1),
      'each fuzz result carries its inputs',
    );
    const fingerprints = run.results.map((r) => r.partialFingerprints.ascFinding);
    assert.equal(new Set(fingerprints).size, fingerprints.length, 'no weakness is reported twice');
    const failingInputs = fuzzResults.reduce((n, r) => n + (r.properties.failingInputs ?? 0), 0);
    assert.ok(
      fuzzResults.length < failingInputs,
      `${fuzzResults.length} results stand for ${failingInputs} failing inputs, not one result each`,
    );

    const status = await runCli(['status', 'batch-cli'], temporalEnv());
    assert.match(status.stdout, /batch-cli: COMPLETED\n {2}\[#+\] 4\/4 done/);

    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    for (const heading of [
      '## Tasks by verdict',
      '## Findings by CWE',
      '## Fuzz events by kind',
      '## Model spend',
      '## Input lines skipped',
    ])
      assert.ok(summary.includes(heading), heading);
    assert.match(summary, /line 3: not JSON/);
    assert.match(summary, /\| security: CWE-78 shell event \| \d+ \|/, 'fuzz failures are counted by kind and cause');

    // Two tasks per run: the batch continued as new at least once, and each child is findable by batch.
    const runs = [];
    for await (const info of stack.testEnv.client.workflow.list({ query: `WorkflowId = 'batch-cli'` })) runs.push(info.status.name);
    assert.ok(runs.length >= 2, `runs of the batch: ${runs.join(', ')}`);
    assert.ok(runs.includes('CONTINUED_AS_NEW'));
    const children = await collectTasks(stack.testEnv.client, 'batch-cli', 4);
    assert.equal(children.length, 4);
    const described = await stack.testEnv.client.workflow.getHandle(children[0]?.workflowId ?? '').describe();
    assert.deepEqual(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.batch), 'batch-cli');
  });

  it('hardens prompts with the LLM and adds up verdicts, findings and tokens', async () => {
    const tasks = [
      { id: 'list-a', prompt: LIST_TASK },
      { id: 'list-b', prompt: LIST_TASK },
      { id: 'list-c', prompt: LIST_TASK },
    ];
    await startBatch(
      stack.testEnv.client,
      { tasks, total: 3, settings: { llm: { model: 'scripted-model' } }, concurrency: 2 },
      'batch-llm',
    );
    const outcome = BatchOutcomeSchema.parse(await stack.testEnv.client.workflow.getHandle('batch-llm').result());
    const t = outcome.totals;
    assert.deepEqual([t.done, t.secure, t.vulnerable, t.failed], [3, 3, 0, 0]);
    assert.equal(t.findingsBefore['CWE-78'], 3, JSON.stringify(t.findingsBefore));
    assert.equal(t.findingsAfter['CWE-78'] ?? 0, 0);
    assert.ok(t.usage.prompt > 0 && t.usage.completion > 0);
  });

  it('a task whose run fails is counted and reported with its reason; the others go on', async () => {
    const broken = LIST_TASK.replace('List the files', 'BROKEN: list the files');
    llm.script((req) => (req.agent === 'coding' && req.user.includes('BROKEN') ? { status: 401 } : securityAwareModel(req)));
    try {
      await startBatch(
        stack.testEnv.client,
        {
          tasks: [
            { id: 'ok', prompt: LIST_TASK },
            { id: 'broken', prompt: broken },
          ],
          total: 2,
          settings: { llm: { model: 'scripted-model', maxAttempts: 2 } },
        },
        'batch-failing',
      );
      const t = BatchOutcomeSchema.parse(await stack.testEnv.client.workflow.getHandle('batch-failing').result()).totals;
      assert.deepEqual([t.done, t.secure, t.failed], [2, 1, 1]);
      assert.equal(t.failures[0]?.id, 'broken');
      assert.match(t.failures[0]?.error ?? '', /HTTP 401 .*check OPENAI_API_KEY/);
      const records = await collectTasks(stack.testEnv.client, 'batch-failing', 2);
      const failed = records.find((r) => r.id === 'broken');
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.error ?? '', /401/);
    } finally {
      llm.script(securityAwareModel);
    }
  });

  it('refuses duplicate ids and bad settings before starting anything', async () => {
    const file = join(dir, 'dupes.jsonl');
    await writeFile(file, [JSON.stringify({ id: 'x', code: 'a = 1\n' }), JSON.stringify({ id: 'x', code: 'b = 2\n' })].join('\n'));
    await writeFile(file.replace('dupes', 'one'), `${JSON.stringify({ id: 'y', code: 'c = 3\n' })}\n`);
    const run = await runCli(['batch', file, '--audit', '--id', 'batch-dupes'], auditEnv());
    assert.equal(run.code, 2);
    assert.match(run.stderr, /duplicate task ids: x \(lines 1, 2\)/);
    await assert.rejects(batchState(stack.testEnv.client, 'batch-dupes'), /no run with id batch-dupes/);
    // Settings are checked before connecting: no server needed to hear what is wrong.
    const zero = await runCli(['batch', file.replace('dupes', 'one'), '--audit', '--concurrency', '0'], {
      ...auditEnv(),
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /one\.jsonl: the batch is invalid: concurrency: Too small/);
  });

  it('a cancelled batch cancels its running children, removes their containers and starts no more', async () => {
    // Each input sleeps, so fuzz batches are running in containers when the cancel lands.
    const slow = AVERAGE_FRAGILE.replace('    words = text.split()\n', '    import time\n    time.sleep(0.3)\n    words = text.split()\n');
    const tasks = Array.from({ length: 5 }, (_, i) => ({ id: `slow-${i}`, code: slow }));
    await startBatch(stack.testEnv.client, { tasks, total: 5, settings: { llm: null }, concurrency: 2 }, 'batch-cancel');
    const docker = dockerFromEnv();
    const deadline = Date.now() + 60_000;
    while ((await batchContainers(docker)).length === 0) {
      assert.ok(Date.now() < deadline, 'no sandbox container started within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    await cancelRun(stack.testEnv.client, 'batch-cancel');
    await assert.rejects(stack.testEnv.client.workflow.getHandle('batch-cancel').result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure, String(error));
      return true;
    });
    const state = await batchState(stack.testEnv.client, 'batch-cancel');
    assert.equal(state.status, 'cancelled');
    const t = state.progress?.totals;
    assert.deepEqual([t?.started, t?.done, t?.cancelled, state.progress?.pending], [2, 2, 2, 3]);
    const children = await collectTasks(stack.testEnv.client, 'batch-cancel', 2);
    assert.deepEqual(
      children.map((c) => c.status),
      ['cancelled', 'cancelled'],
    );
    assert.deepEqual(await batchContainers(docker, { all: true }), []);
  });
});
