import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { AuditTrailSchema } from '../src/client/audit.js';
import { startHarden } from '../src/client/client.js';
import { resolveHardenRequest } from '../src/client/request.js';
import { TASK_QUEUES, WORKFLOW_TYPE } from '../src/common/queues.js';
import { SEARCH_ATTRIBUTES } from '../src/common/search-attributes.js';
import { HardenResultSchema, type Progress } from '../src/common/schemas/index.js';
import { dockerFromEnv } from '../src/workers/create.js';
import { runCli } from './support/cli.js';
import { sallmTask } from './support/data.js';
import { AVERAGE_FRAGILE, AVERAGE_ROBUST, LIST_INSECURE, LIST_SECURE, LIST_TASK, securityAwareModel } from './support/scenarios.js';
import { scriptedSuite, startStack, type Stack } from './support/stack.js';
import { batchContainers } from './support/containers.js';

/** The whole loop on real parts: Temporal dev server, workers, Bandit, containers; a scripted LLM. */

describe('hardening with an LLM (scripted endpoint)', () => {
  const suite = scriptedSuite(securityAwareModel);
  const harden = suite.harden;

  it('an insecure first completion ends secure after a static repair round', async () => {
    suite.llm.script(securityAwareModel);
    const result = await harden({ prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'scripted-model' } }, 'e2e-static-repair');
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    assert.equal(result.mode, 'harden');
    assert.equal(result.initialCode, LIST_INSECURE);
    assert.equal(result.finalCode, LIST_SECURE);
    const [first, second] = result.staticRounds;
    const shell = first?.findings.find((f) => f.source === 'bandit' && f.ruleId === 'B602' && f.cwe === 'CWE-78' && f.line === 5);
    assert.ok(shell, JSON.stringify(first));
    assert.deepEqual(shell.alsoFoundBy, ['Semgrep command-injection-shell', 'Static Analyser agent'], 'one finding, every reporter named');
    assert.equal(first?.repaired, true);
    assert.deepEqual(second?.findings, []);
    assert.equal(result.staticRounds.length, 2);
    assert.deepEqual(result.findingsBefore, { 'CWE-78': 1 }, 'Bandit and the review report the same weakness once');
    assert.deepEqual(result.findingsAfter, {});
    assert.equal(result.fuzz.target?.function, 'list_directory');
    assert.equal(result.fuzz.firstPassExecuted, 153, '3 seeds and 150 mutations');
    assert.deepEqual(result.fuzz.failures, []);
    const agents = result.steps.map((s) => s.agent);
    for (const agent of ['coding', 'analysers', 'static-analyser', 'fuzzing', 'sandbox'] as const)
      assert.ok(agents.includes(agent), `no ${agent} step`);
    const sandbox = result.steps.filter((s) => s.agent === 'sandbox');
    assert.equal(sandbox.length, 1, 'the whole pass in one activity');
    assert.match(sandbox[0]?.summary ?? '', /^fuzz: 153 inputs in 3 round\(s\) over [12] container\(s\): /);
    assert.ok(result.usage.prompt > 0 && result.usage.completion > 0);
    assert.ok(result.steps.every((s, i) => s.index === i + 1 && s.summary.length > 0));
  });

  it('asc audit writes the full trail: prompts, answers, findings, code changes, tokens', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'asc-audit-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const run = await runCli(['audit', 'e2e-static-repair', '--out', dir], {
      TEMPORAL_ADDRESS: suite.stack.testEnv.address,
      TEMPORAL_NAMESPACE: suite.stack.testEnv.namespace ?? 'default',
    });
    assert.equal(run.code, 0, run.stderr);
    const result = HardenResultSchema.parse(await suite.stack.testEnv.client.workflow.getHandle('e2e-static-repair').result());
    assert.match(run.stdout, new RegExp(`^${result.steps.length} steps of e2e-static-repair \\(COMPLETED\\) written to`));
    const trail = AuditTrailSchema.parse(JSON.parse(await readFile(join(dir, 'e2e-static-repair.audit.json'), 'utf8')));
    assert.equal(trail.entries.length, result.steps.length, 'one entry per agent step');
    const bandit = trail.entries.find((e) => e.summary === 'static round 1: Bandit + Semgrep');
    assert.ok(bandit?.findings?.some((f) => f.ruleId === 'B602' && f.cwe === 'CWE-78'));
    const repair = trail.entries.find((e) => e.summary.startsWith('static round 1: Coding agent repairs'));
    assert.ok(repair, 'no repair step');
    assert.match(repair.transcript?.find((m) => m.role === 'user')?.content ?? '', /CWE-78 at line 5 \(bandit B602/);
    assert.match(repair.transcript?.find((m) => m.role === 'assistant')?.content ?? '', /os\.listdir/);
    assert.match(repair.codeDiff ?? '', /^- {4}return subprocess\.check_output\("ls " \+ path, shell=True\)\.decode\(\)$/m);
    assert.match(repair.codeDiff ?? '', /^\+BASE_DIR = os\.path\.realpath\("\."\)$/m);
    assert.ok((repair.usage?.prompt ?? 0) > 0);
    const markdown = await readFile(join(dir, 'e2e-static-repair.audit.md'), 'utf8');
    assert.match(markdown, /^## 1\. Coding agent: write the code from the task$/m);
    assert.match(markdown, /^```diff$/m);
    const missing = await runCli(['audit', 'no-such-run', '--out', dir], { TEMPORAL_ADDRESS: suite.stack.testEnv.address });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no run with id no-such-run/);
  });

  it('fuzzing finds a crashing input, the Coding agent repairs it, and the repair is re-checked', async () => {
    suite.llm.script(securityAwareModel);
    const result = await harden({ code: AVERAGE_FRAGILE, source: 'average.py', llm: { model: 'scripted-model' } }, 'e2e-fuzz-repair');
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    assert.deepEqual(
      result.staticRounds.map((r) => r.findings.length),
      [0, 0],
      'round 1, then the final check of the repaired code',
    );
    const crash = result.fuzz.failures.find((f) => f.outcome.status === 'exception' && f.outcome.exceptionType === 'ZeroDivisionError');
    assert.ok(crash, `no ZeroDivisionError among ${result.fuzz.failures.length} failures`);
    assert.equal(result.fuzz.repairRounds.length, 1);
    assert.equal(result.fuzz.repairRounds[0]?.accepted, true);
    assert.deepEqual(result.remainingFailures, []);
    assert.equal(result.finalCode, AVERAGE_ROBUST);
    assert.ok(
      result.steps.some((s) => s.action.startsWith('fuzz repair 1 re-check')),
      'the repair was not re-run in the sandbox',
    );
    assert.ok(result.steps.some((s) => s.action === 'fuzz repair 1: static re-check: Bandit + Semgrep'));
    assert.ok(
      result.steps.some((s) => s.action.startsWith('final static check')),
      'the repaired code was not re-analysed',
    );
    assert.ok((result.findingsBefore['CWE-248'] ?? 0) > 0);
    const repairPrompt = suite.llm.requests.filter((r) => r.agent === 'coding').at(-1)?.user ?? '';
    assert.match(repairPrompt, /average_word_length\(""\) raised ZeroDivisionError/);
  });

  it('answers the progress query while running and after', async () => {
    suite.llm.script(securityAwareModel);
    const id = 'e2e-progress';
    await startHarden(
      suite.stack.testEnv.client,
      { code: AVERAGE_ROBUST, source: 'avg.py', llm: { model: 'm' }, fuzz: { mutations: 20 } },
      id,
    );
    const handle = suite.stack.testEnv.client.workflow.getHandle(id);
    await handle.result();
    const progress = await handle.query<Progress>('progress');
    assert.equal(progress.phase, 'done');
    assert.ok(progress.steps > 3);
    assert.equal(progress.fuzzExecutions, 22);
  });

  it('an LLM answer with no code is re-asked, then the run fails clearly', async () => {
    suite.llm.script((req) => (req.agent === 'coding' ? 'I cannot help with that.' : securityAwareModel(req)));
    const id = 'e2e-no-code';
    await startHarden(suite.stack.testEnv.client, { prompt: LIST_TASK, llm: { model: 'm' } }, id);
    await assert.rejects(suite.stack.testEnv.client.workflow.getHandle(id).result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(
        error.cause?.message ?? '',
        /^Coding agent: write the code from the task: the model's answer was unusable after 3 tries/,
      );
      return true;
    });
  });

  it('an LLM endpoint that is down: retries show in the history, then a clear failure', async () => {
    suite.llm.script(() => ({ status: 503, headers: { 'retry-after-ms': '100' } }));
    const id = 'e2e-llm-down';
    await startHarden(suite.stack.testEnv.client, { prompt: LIST_TASK, llm: { model: 'm', maxAttempts: 3 } }, id);
    const handle = suite.stack.testEnv.client.workflow.getHandle(id);
    await assert.rejects(handle.result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(error.cause?.message ?? '', /^Coding agent: write the code from the task: HTTP 503 from http:\/\/127.0.0.1:\d+\/v1/);
      return true;
    });
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : [],
    );
    assert.deepEqual(attempts, [3], 'the failed activity ran 3 attempts');
    const failed = (history.events ?? []).find((e) => e.activityTaskFailedEventAttributes);
    assert.match(failed?.activityTaskFailedEventAttributes?.failure?.message ?? '', /HTTP 503/);
  });

  it('code with a syntax error fails at once, naming the line', async () => {
    const id = 'e2e-syntax';
    await startHarden(suite.stack.testEnv.client, { code: 'def broken(:\n    pass\n', source: 'broken.py', llm: { model: 'm' } }, id);
    await assert.rejects(suite.stack.testEnv.client.workflow.getHandle(id).result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(error.cause?.message ?? '', /^the code in broken.py does not parse at line 1: invalid syntax; fix the syntax/);
      return true;
    });
  });

  it('an empty or non-Python prompt is refused before anything starts', async () => {
    await assert.rejects(startHarden(suite.stack.testEnv.client, { prompt: '   ', llm: { model: 'm' } }, 'e2e-empty'), /prompt: is empty/);
    await assert.rejects(
      startHarden(suite.stack.testEnv.client, { prompt: 'Please write a secure web app', llm: { model: 'm' } }, 'e2e-prose'),
      /no Python function signature/,
    );
    for (const id of ['e2e-empty', 'e2e-prose']) {
      await assert.rejects(suite.stack.testEnv.client.workflow.getHandle(id).describe(), /not found/i);
    }
  });

  it('a request that skips the client is refused by the workflow itself, which applies no defaults', async () => {
    const handle = await suite.stack.testEnv.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUES.workflows,
      workflowId: 'e2e-raw',
      args: [{ code: 'x = 1\n', llm: null }],
    });
    await assert.rejects(handle.result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(
        error.cause?.message ?? '',
        /^the hardening request is invalid: .*maxStaticRounds: .*fuzz: .*requests are resolved by the client/,
      );
      return true;
    });
    const empty = await suite.stack.testEnv.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUES.workflows,
      workflowId: 'e2e-raw-empty',
      args: [{ ...resolveHardenRequest({ code: 'x', llm: null }), code: ' ' }],
    });
    await assert.rejects(empty.result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(error.cause?.message ?? '', /the hardening request is invalid: code: is empty/);
      return true;
    });
  });
});

describe('audit mode: no LLM configured', () => {
  let stack: Stack;
  let dir: string;
  before(async () => {
    stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });
    dir = await mkdtemp(join(tmpdir(), 'asc-e2e-'));
  });
  after(async () => {
    await stack.stop();
  });

  const cliEnv = () => ({
    TEMPORAL_ADDRESS: stack.testEnv.address,
    TEMPORAL_NAMESPACE: stack.testEnv.namespace ?? 'default',
    OPENAI_BASE_URL: undefined,
    OPENAI_API_KEY: undefined,
  });

  it('a known-insecure SALLM sample: findings with CWE ids and lines, no repair, exit code 1', async () => {
    const task = sallmTask('Matching_StackOverflow_SO_cwe078_0.py');
    const file = join(dir, 'execute_bash.py');
    await writeFile(file, task.insecure_code);
    const run = await runCli(['harden', '--code-file', file, '--json', '--id', 'e2e-sallm-audit'], cliEnv());
    assert.equal(run.code, 1, run.stderr);
    const result = HardenResultSchema.parse(JSON.parse(run.stdout));
    assert.equal(result.mode, 'audit');
    assert.equal(result.verdict, 'vulnerable');
    assert.ok(result.remainingFindings.some((f) => f.cwe === 'CWE-78' && f.line === 15 && f.ruleId === 'B602'));
    assert.equal(result.finalCode, result.initialCode);
    assert.ok(!result.steps.some((s) => s.agent === 'coding' || s.agent === 'static-analyser'), 'an audit calls no agent');
    assert.equal(result.fuzz.target?.entry, 'route', 'the Flask handler is driven through the test client');
    assert.deepEqual(result.fuzz.target?.params, [
      {
        name: 'args.command',
        type: 'str',
        role: 'attacker',
        roleReason: 'a request part of the route /execute_bash: every request part is attacker input',
        nullable: false,
        items: null,
      },
    ]);
    const injection = result.remainingFailures.find((f) => f.outcome.events.some((e) => e.cwe === 'CWE-78' && e.kind === 'shell'));
    assert.ok(injection, 'no input reached the shell with shell syntax');
    assert.equal(injection.kind, 'security');
    assert.ok((result.findingsAfter['CWE-78'] ?? 0) > 1, 'the fuzz events count under CWE-78 too');
    assert.ok(
      result.reasons.some((r) => r.includes('set OPENAI_BASE_URL')),
      'does not say how to enable repair',
    );
  });

  it('"all runs where CWE-78 remained" is one search-attribute filter', async () => {
    const query = "AscVerdict = 'vulnerable' AND AscCwesRemaining = 'CWE-78' AND AscModel = 'none (audit)'";
    const deadline = Date.now() + 10_000;
    let ids: string[] = [];
    while (!ids.includes('e2e-sallm-audit') && Date.now() < deadline) {
      ids = [];
      for await (const run of stack.testEnv.client.workflow.list({ query })) ids.push(run.workflowId);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(ids.includes('e2e-sallm-audit'), `the query found ${JSON.stringify(ids)}`);
    const described = await stack.testEnv.client.workflow.getHandle('e2e-sallm-audit').describe();
    assert.ok((described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.roundsUsed) ?? 0) >= 1);
    assert.ok(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.cwesFound)?.includes('CWE-78'));
  });

  it('fuzzes a plain function from its signature alone and reports crashes beside the verdict; --fail-on robustness fails on them', async () => {
    const file = join(dir, 'average.py');
    await writeFile(file, AVERAGE_FRAGILE);
    const run = await runCli(['harden', '--code-file', file, '--id', 'e2e-average'], cliEnv());
    assert.equal(run.code, 0, `a crash is no vulnerability: ${run.stderr}`);
    assert.match(run.stderr, /No LLM configured: running an audit/);
    assert.match(run.stdout, /Verdict: SECURE, \d+ robustness issues?\n/);
    assert.match(run.stdout, /Fuzzing average_word_length\(a call\): 152 executions/);
    assert.match(run.stdout, /text: str \(attacker: data the caller passes on/);
    assert.match(run.stdout, /robustness: ZeroDivisionError line 4: \d+ inputs?\n\s+e\.g\. average_word_length\(/);
    assert.match(run.stdout, /contract: AttributeError line 3/, 'a non-str text is outside the contract');
    const failing = await runCli(['result', 'e2e-average', '--fail-on', 'robustness'], cliEnv());
    assert.equal(failing.code, 1, failing.stderr);
    const bad = await runCli(['result', 'e2e-average', '--fail-on', 'crashes'], cliEnv());
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-on crashes: expected one of security, robustness/);
    assert.match(run.stdout, /Temporal UI: http:\/\/127.0.0.1:8233\/namespaces\/default\/workflows\/e2e-average/);
  });

  it('status and result work for a run started elsewhere', async () => {
    const file = join(dir, 'robust.py');
    await writeFile(file, AVERAGE_ROBUST);
    const started = await runCli(['harden', '--code-file', file, '--no-wait', '--id', 'e2e-cli-robust'], cliEnv());
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout.trim(), 'e2e-cli-robust');
    const result = await runCli(['result', 'e2e-cli-robust'], cliEnv());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Verdict: SECURE/);
    const status = await runCli(['status', 'e2e-cli-robust'], cliEnv());
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /e2e-cli-robust: COMPLETED/);
    assert.match(status.stdout, /phase: done/);
  });

  it('bad CLI input: clear errors, exit code 2', async () => {
    const missing = await runCli(['harden', '--code-file', join(dir, 'nope.py')], cliEnv());
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--code-file .*nope.py: cannot read it/);
    const prompt = join(dir, 'task.py');
    await writeFile(prompt, LIST_TASK);
    const noLlm = await runCli(['harden', '--prompt-file', prompt], cliEnv());
    assert.equal(noLlm.code, 2);
    assert.match(noLlm.stderr, /--prompt-file needs an LLM/);
    const unknownRun = await runCli(['status', 'no-such-run'], cliEnv());
    assert.equal(unknownRun.code, 2);
    assert.match(unknownRun.stderr, /no run with id no-such-run/);
    const huge = join(dir, 'huge.py');
    await writeFile(huge, `x = "${'a'.repeat(2 * 1024 * 1024)}"\n`);
    const tooBig = await runCli(['harden', '--code-file', huge], cliEnv());
    assert.equal(tooBig.code, 2);
    assert.match(tooBig.stderr, /--code-file .*huge.py: it is 2.0 MiB, over the 1 MiB limit/);
    const badNumber = await runCli(['harden', '--code-file', prompt, '--mutations', 'many'], cliEnv());
    assert.equal(badNumber.code, 2);
    assert.match(badNumber.stderr, /--mutations many: expected a whole number/);
    const noServer = await runCli(['status', 'x'], { ...cliEnv(), TEMPORAL_ADDRESS: '127.0.0.1:9' });
    assert.equal(noServer.code, 2);
    assert.match(noServer.stderr, /cannot reach Temporal at 127.0.0.1:9/);
  });

  it('asc setup finds a prepared namespace prepared, and refuses a retention under a day', async () => {
    const again = await runCli(['setup'], cliEnv());
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^namespace \S+ exists; search attributes already registered\n$/);
    const zeroDays = await runCli(['setup', '--retention-days', '0'], cliEnv());
    assert.equal(zeroDays.code, 2);
    assert.match(zeroDays.stderr, /--retention-days 0: a namespace keeps closed runs at least one day/);
  });

  it('leaves no sandbox container behind', async () => {
    const left = await batchContainers(dockerFromEnv(), { all: true });
    assert.deepEqual(left, []);
  });
});
