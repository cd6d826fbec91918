#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '../codec/aes-gcm.js';
import { BATCH_WORKFLOW_TYPE } from '../common/queues.js';
import { llmConfigured, loadEnv, type Env } from '../common/config.js';
import { REQUEST_DEFAULTS } from '../common/defaults.js';
import type { HardenRequestInput } from '../common/schemas/index.js';
import { describeDecision } from '../common/approvals.js';
import { unifiedDiff } from './diff.js';
import { auditMarkdown, buildAuditTrail } from './audit.js';
import { BATCH_USAGE, batchCommand, progressLine } from './batch-cli.js';
import { batchCounts, batchState, cancelRun } from './batch.js';
import { codecToken, serveCodecEndpoint } from './codec-endpoint.js';
import { setupNamespace } from './namespace-setup.js';
import { exitWhenFlushed, jsonText, say, warn } from './terminal.js';
import { MAX_CODE_FILE_BYTES, oneOf, readInputFile, UsageError, wholeNumber } from './usage.js';
import { behaviourTests } from './tests-input.js';
import { approvalSettings, HARDEN_OPTIONS, hardenSettings } from './settings-flags.js';
import { answerApproval, connectClient, readRun, runFailureMessage, runResult, runStatus, startHarden, uiLink } from './client.js';
import { FAIL_ON, formatReport, verdictExitCode, type FailOn } from './report.js';

const USAGE = `usage: asc <command> [options]

commands:
  harden --prompt-file FILE   the Coding agent writes the function from the prompt, then hardening runs
  harden --code-file FILE     harden existing code (with no LLM configured: an audit, no repair)
      --model NAME            model for all three agents (default: $ASC_MODEL or gpt-4o-mini)
      --no-llm                audit only, even when an LLM is configured
      --max-tokens N          model tokens the run may spend; once spent it stops repairing, analyses the code
                              it has, and says so in its verdict reasons
      --max-llm-calls N       model requests (re-asks included) the run may make, likewise
      --max-static-rounds N   static analyse-and-repair rounds (default ${REQUEST_DEFAULTS.maxStaticRounds})
      --mutations N           fuzz inputs derived from the seeds (default ${REQUEST_DEFAULTS.fuzz.mutations})
      --seed N                seed of the mutation PRNG (default ${REQUEST_DEFAULTS.fuzz.seed})
      --unguided              derive every fuzz input from the seeds at once, without coverage guidance
      --security-only         repair security findings only; crashes and hangs (robustness) are reported, not repaired
      --tests FILE            behaviour tests every repair must keep passing: test functions (def test_x():),
                              HumanEval's check(candidate), or the word doctest (the docstring examples)
      --entry-point NAME      the function check(candidate) is called with (default: the code's first function)
      --approval WHEN         a person approves: final (the final code before it is accepted) or each-repair
                              (each repair before it is applied); the run waits, visibly, for asc approve/reject
      --approval-timeout D    how long to wait for a decision (e.g. 72h); past it the code is not accepted
      --fail-on KIND          what exits 1: security (default: a vulnerable verdict) or robustness (also crashes and hangs)
      --id ID                 workflow id (default: harden-<file>-<time>)
      --no-wait               print the run id and return at once
      --json                  print the result as JSON
  status ID                   progress of a run (also one started elsewhere or before a crash)
  result ID [--json] [--fail-on KIND]   wait for a run and print its report
  approve ID [--by NAME] [--reason TEXT]
                              approve what a run waits for (the final code, or a repair)
  reject ID --reason TEXT [--by NAME]
                              reject it: a repair goes back to the Coding agent with the reason; the
                              final code is not accepted
  audit ID [--out DIR]        write the full trail of a run (every agent step: prompt, answer,
                              findings, code change, tokens, timing) as DIR/ID.audit.md and .json
${BATCH_USAGE}
  dev                         start the local stack: Temporal dev server (persistent), Web UI, workers
                              (with ASC_CODEC_KEY set: payloads encrypted, the UI decrypts via the codec endpoint)
  setup [--retention-days N]  create the namespace when the server lacks it and register the search attributes
                              runs set (idempotent; the compose deployment's setup job runs it)
  codec-server [--port N] [--host H]
                              serve the codec endpoint for a Temporal UI at $TEMPORAL_UI_URL
                              (default 127.0.0.1:$ASC_CODEC_PORT, 8234)

verdicts: vulnerable means security evidence (a security CWE from an analyser, or a sandbox oracle
event); crashes, hangs and kills on inputs within a function's parameter types are robustness
issues and inputs outside them contract failures, both reported beside the verdict.
exit codes: 0 secure, 1 vulnerable (with --fail-on robustness: or robustness issues), 3 could not
verify, 4 the final code was not approved, 2 error (a batch: 1 if any task fails so, 3 if any could not be verified, failed or was
cancelled, else 0)`;

async function harden(args: string[], env: Env): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'prompt-file': { type: 'string' },
      'code-file': { type: 'string' },
      ...HARDEN_OPTIONS,
      'no-llm': { type: 'boolean', default: false },
      tests: { type: 'string' },
      'entry-point': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const failOn = oneOf('fail-on', values['fail-on'], FAIL_ON) ?? 'security';
  const promptFile = values['prompt-file'];
  const codeFile = values['code-file'];
  if ((promptFile === undefined) === (codeFile === undefined))
    throw new UsageError('harden takes exactly one of --prompt-file FILE or --code-file FILE');
  const file = promptFile ?? codeFile ?? '';
  const text = await readInputFile(file, `${promptFile !== undefined ? '--prompt-file' : '--code-file'} ${file}`, MAX_CODE_FILE_BYTES);
  const useLlm = llmConfigured(env) && !values['no-llm'];
  const testsFile = values.tests;
  const testsSource =
    testsFile === undefined || testsFile === 'doctest'
      ? testsFile
      : await readInputFile(testsFile, `--tests ${testsFile}`, MAX_CODE_FILE_BYTES);
  const request: HardenRequestInput = {
    ...(promptFile !== undefined ? { prompt: text } : { code: text }),
    source: basename(file),
    ...hardenSettings(env, values, useLlm, 'run'),
    tests: testsSource === undefined ? undefined : behaviourTests(testsSource, values['entry-point'], text),
    approval: approvalSettings(values.approval, values['approval-timeout']),
  };
  if (!useLlm) {
    if (promptFile !== undefined)
      throw new UsageError(
        '--prompt-file needs an LLM to write the code: set OPENAI_BASE_URL (and OPENAI_API_KEY), or use --code-file to audit existing code',
      );
    if (!values.json)
      warn(
        'No LLM configured: running an audit (static analysis and fuzzing, no repair). Set OPENAI_BASE_URL / OPENAI_API_KEY to enable repair.',
      );
  }
  const client = await connectClient(env);
  const workflowId = values.id ?? `harden-${basename(file).replace(/[^\w.-]/g, '_')}-${Date.now()}`;
  await startHarden(client, request, workflowId);
  if (!values.json) warn(`started ${workflowId}\n  Temporal UI: ${uiLink(env, workflowId)}`);
  if (values['no-wait']) {
    say(workflowId);
    return 0;
  }
  return printResult(env, workflowId, values.json, failOn);
}

/** Who decides, as the audit trail records it: --by, else the local user at this host. */
function decider(by: string | undefined): string {
  return by ?? `${userInfo().username}@${hostname()}`;
}

async function decide(args: string[], env: Env, update: 'approve' | 'reject'): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { by: { type: 'string' }, reason: { type: 'string' } },
  });
  const id = positionals[0];
  if (!id) throw new UsageError(`${update} needs a run id: asc ${update} ID${update === 'reject' ? ' --reason TEXT' : ''} [--by NAME]`);
  if (update === 'reject' && !values.reason?.trim())
    throw new UsageError('reject needs a reason: asc reject ID --reason "what is wrong" (the Coding agent and the audit trail are told)');
  const client = await connectClient(env);
  const decision = await answerApproval(client, id, update, {
    by: decider(values.by),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
  });
  say(`${id}: ${describeDecision(decision)}`);
  return 0;
}

async function printResult(env: Env, workflowId: string, json: boolean, failOn: FailOn): Promise<number> {
  const client = await connectClient(env);
  try {
    const result = await runResult(client, workflowId);
    if (json) process.stdout.write(`${jsonText(result)}\n`);
    else say(formatReport(result, uiLink(env, workflowId)));
    return verdictExitCode(result, failOn);
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      warn(`run ${workflowId} failed: ${runFailureMessage(error)}\n  Temporal UI: ${uiLink(env, workflowId)}`);
      return 2;
    }
    throw error;
  }
}

async function status(args: string[], env: Env): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const id = positionals[0];
  if (!id) throw new UsageError('status needs a run id: asc status ID');
  const client = await connectClient(env);
  const { status: state, type, progress } = await runStatus(client, id);
  say(`${id}: ${state}`);
  if (type === BATCH_WORKFLOW_TYPE) {
    const batch = await batchState(client, id);
    const counts = batchCounts(batch);
    if (counts) say(`  ${progressLine(counts, batch.closedAtMs ?? Date.now())}`);
    say(`  follow it: asc batch --attach ${id}`);
  }
  if (progress?.awaiting) {
    const { awaiting } = progress;
    say(
      `  waiting for approval of ${awaiting.label} since ${new Date(awaiting.sinceMs).toISOString()}: asc approve ${id} [--reason TEXT], or asc reject ${id} --reason TEXT`,
    );
    say((unifiedDiff(awaiting.code, awaiting.candidate) || '(no change to the code)').replace(/^/gm, '    '));
  }
  if (progress) {
    say(`  phase: ${progress.phase}; static round ${progress.staticRound}; fuzz repair round ${progress.fuzzRepairRound}`);
    say(
      `  fuzz: ${progress.fuzzExecutions} executions in all passes, ${progress.failingInputs} failing input(s) in the current code; ${progress.steps} agent steps`,
    );
    if (progress.lastStep) say(`  last step: ${progress.lastStep}`);
  }
  say(`  Temporal UI: ${uiLink(env, id)}`);
  return 0;
}

async function result(args: string[], env: Env): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'fail-on': { type: 'string' } },
  });
  const id = positionals[0];
  if (!id) throw new UsageError('result needs a run id: asc result ID [--json] [--fail-on KIND]');
  return printResult(env, id, values.json, oneOf('fail-on', values['fail-on'], FAIL_ON) ?? 'security');
}

async function audit(args: string[], env: Env): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string', default: '.' } } });
  const id = positionals[0];
  if (!id) throw new UsageError('audit needs a run id: asc audit ID [--out DIR]');
  const client = await connectClient(env);
  const trail = await readRun(id, () => buildAuditTrail(client, id));
  await mkdir(values.out, { recursive: true });
  const base = join(values.out, `${id.replace(/[^\w.-]/g, '_')}.audit`);
  await writeFile(`${base}.md`, auditMarkdown(trail));
  await writeFile(`${base}.json`, JSON.stringify(trail, null, 2));
  say(`${trail.entries.length} steps of ${id} (${trail.status}) written to ${base}.md and ${base}.json`);
  return 0;
}

async function cancel(args: string[], env: Env): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const id = positionals[0];
  if (!id) throw new UsageError('cancel needs a run or batch id: asc cancel ID');
  await cancelRun(await connectClient(env), id);
  say(
    `cancellation of ${id} requested: running steps stop and their containers are removed; \`asc status ${id}\` or the UI shows when it has ended`,
  );
  return 0;
}

async function codecServer(args: string[], env: Env): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
  const port = values.port === undefined ? env.ASC_CODEC_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port ${values.port ?? ''}: expected a port number`);
  const endpoint = await serveCodecEndpoint(env, values.host, port, codecToken(env, false));
  say(
    `codec endpoint ${endpoint.url} (key ${endpoint.keyId}) for the UI at ${env.TEMPORAL_UI_URL}; point the UI at ${endpoint.url}/t/TOKEN (temporal server start-dev --ui-codec-endpoint, or the UI's Data Encoder setting); scripts send Authorization: Bearer TOKEN. Ctrl-C stops it.`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => endpoint.server.close(() => resolve()));
  });
  return 0;
}

async function setup(args: string[], env: Env): Promise<number> {
  const { values } = parseArgs({ args, options: { 'retention-days': { type: 'string', default: '30' } } });
  const retentionDays = wholeNumber('retention-days', values['retention-days']) ?? 30;
  if (retentionDays < 1)
    throw new UsageError(`--retention-days ${values['retention-days']}: a namespace keeps closed runs at least one day`);
  const client = await connectClient(env);
  try {
    const result = await setupNamespace(client.connection, env.TEMPORAL_NAMESPACE, retentionDays);
    say(
      `namespace ${env.TEMPORAL_NAMESPACE} ${result.namespaceCreated ? `created (retention ${retentionDays} days)` : 'exists'}; search attributes ${result.searchAttributesAdded.length > 0 ? `registered: ${result.searchAttributesAdded.join(', ')}` : 'already registered'}`,
    );
  } finally {
    await client.connection.close();
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = loadEnv();
  switch (command) {
    case 'harden':
      return harden(rest, env);
    case 'status':
      return status(rest, env);
    case 'result':
      return result(rest, env);
    case 'audit':
      return audit(rest, env);
    case 'approve':
    case 'reject':
      return decide(rest, env, command);
    case 'batch':
      return batchCommand(rest, env);
    case 'cancel':
      return cancel(rest, env);
    case 'dev':
      // Loaded only here: the workers (Temporal's worker runtime, Docker, the model client) cost every other command most of a second.
      return (await import('./dev.js')).runDevStack(env);
    case 'codec-server':
      return codecServer(rest, env);
    case 'setup':
      return setup(rest, env);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      say(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    let message = error instanceof Error ? error.message : String(error);
    if (message.includes(ENCRYPTED_ENCODING))
      message = `the run's payloads are encrypted: set ASC_CODEC_KEY or ASC_CODEC_KEY_FILE to the key its workers use (${message})`;
    warn(error instanceof UsageError ? `asc: ${message} (asc --help shows the usage)` : `asc: ${message}`);
    return exitWhenFlushed(2);
  },
);
