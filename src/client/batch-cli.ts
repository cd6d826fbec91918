import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { BatchInputArg, BatchOutcome, BatchProgress } from '../common/schemas/index.js';
import { llmConfigured, type Env } from '../common/config.js';
import { BATCH_DEFAULTS } from '../common/defaults.js';
import { DuplicateIdsError, parseBatchFile, type TaskSource } from './batch-input.js';
import { batchMarkdown, buildSarif, codePath, resultLine } from './batch-report.js';
import { batchCounts, batchState, checkBatch, collectTasks, startBatch, type BatchState } from './batch.js';
import { connectClient, uiLink } from './client.js';
import { printable, say, warn } from './terminal.js';
import { FAIL_ON, failsOn, type FailOn } from './report.js';
import { approvalSettings, budgetFlags, HARDEN_OPTIONS, hardenSettings } from './settings-flags.js';
import { MAX_BATCH_FILE_BYTES, oneOf, readInputFile, UsageError, wholeNumber } from './usage.js';

export const BATCH_USAGE = `  batch FILE.jsonl            harden every task of a JSON Lines file, one child run per task
                              (SALLM id/prompt/insecure_code, SecurityEval ID/Prompt/Insecure_code,
                              or {id, prompt} / {id, code}); bad lines are reported and skipped
      --audit                 analyse each task's given (insecure) code, without repair
      --use-code              harden each task's given code with the LLM instead of generating it
      --concurrency N         tasks running at once (default ${BATCH_DEFAULTS.concurrency})
      --tasks-per-run N       children per workflow run before continue-as-new (default ${BATCH_DEFAULTS.tasksPerRun})
      --max-tokens N, --max-llm-calls N
                              what the whole batch may spend on the model: each task gets a share as it
                              starts (what is left, split over the tasks not started), so it never overspends
      --model NAME, --mutations N, --seed N, --unguided, --max-static-rounds N, --security-only, --fail-on KIND,
      --approval WHEN, --approval-timeout D
                              as for harden (with --approval each task's run waits for asc approve BATCH/TASK)
      --id ID                 batch id (default: batch-<file>-<time>)
      --out DIR               where results go (default: ./ID): results.jsonl, results.sarif,
                              summary.md, code/<task>.py
      --no-wait               print the batch id and return at once
  batch --attach ID [--out DIR] [--fail-on KIND]   follow a running batch (from any terminal), then write its results
  cancel ID                   cancel a run or a batch: running tasks stop and remove their containers`;

const POLL_MS = 1_000;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line: a bar, the counts and an ETA from the rate so far. */
export function progressLine(p: BatchProgress, nowMs: number, width = 24): string {
  const t = p.totals;
  const fraction = p.total === 0 ? 1 : t.done / p.total;
  const filled = Math.round(fraction * width);
  const elapsed = Math.max(0, nowMs - t.startedAtMs);
  const eta = t.done === 0 ? '?' : duration((elapsed / t.done) * (p.total - t.done));
  const counts = `${t.done}/${p.total} done · ${t.secure} secure · ${t.vulnerable} vulnerable · ${t.couldNotVerify} unverified · ${t.failed} failed${t.cancelled ? ` · ${t.cancelled} cancelled` : ''}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts} · ${p.running.length} running · ${p.cancelling ? 'cancelling' : `ETA ${eta}`} · ${duration(elapsed)} elapsed`;
}

/** The tasks of a JSON Lines file, each skipped line reported; a file with none is refused. */
async function readTasks(file: string, source: TaskSource): Promise<ReturnType<typeof parseBatchFile>> {
  const text = await readInputFile(file, file, MAX_BATCH_FILE_BYTES);
  let parsed;
  try {
    parsed = parseBatchFile(text, source);
  } catch (error) {
    if (error instanceof DuplicateIdsError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  for (const s of parsed.skipped) warn(`${file}:${s.line}: skipped: ${s.reason}`);
  if (parsed.tasks.length === 0) throw new UsageError(`${file}: no usable task (${parsed.skipped.length} line(s) skipped)`);
  return parsed;
}

/** Redraws in place on a terminal; elsewhere (CI logs) prints a line when the counts move. */
class ProgressView {
  private last = '';
  private readonly tty = process.stderr.isTTY;

  show(p: BatchProgress, nowMs = Date.now()): void {
    const line = progressLine(p, nowMs);
    if (this.tty) process.stderr.write(`\r\x1b[2K${printable(line)}`);
    else {
      const key = line.replace(/ · ETA.*$/, '');
      if (key !== this.last) warn(line);
      this.last = key;
    }
  }

  end(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

async function follow(client: Client, batchId: string): Promise<{ state: BatchState; last: BatchProgress | null }> {
  const view = new ProgressView();
  let last: BatchProgress | null = null;
  for (;;) {
    const state = await batchState(client, batchId);
    if (state.status !== 'running') {
      const final = batchCounts(state);
      if (final) view.show(final, state.closedAtMs ?? Date.now());
      view.end();
      return { state, last };
    }
    if (state.progress) {
      last = state.progress;
      view.show(state.progress);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function writeOutputs(
  client: Client,
  batchId: string,
  outDir: string,
  state: BatchState,
  last: BatchProgress | null,
  failOn: FailOn,
): Promise<number> {
  const finished: BatchOutcome | null = batchCounts(state) ?? last;
  if (!finished) throw new Error(`batch ${batchId} is ${state.status} and its counts cannot be read (is the workflows worker running?)`);
  const { totals, total, skipped, budget } = finished;
  const tasks = await collectTasks(client, batchId, totals.started - totals.failed);
  await mkdir(join(outDir, 'code'), { recursive: true });
  for (const task of tasks) {
    if (task.result) {
      const path = join(outDir, codePath(task.id));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, task.result.finalCode);
    }
  }
  await writeFile(join(outDir, 'results.jsonl'), tasks.map((t) => `${resultLine(t)}\n`).join(''));
  await writeFile(join(outDir, 'results.sarif'), `${JSON.stringify(buildSarif(batchId, tasks), null, 2)}\n`);
  const elapsedMs = (state.closedAtMs ?? Date.now()) - totals.startedAtMs;
  await writeFile(
    join(outDir, 'summary.md'),
    batchMarkdown({ batchId, status: state.status, total, totals, budget, tasks, skipped, elapsedMs }),
  );
  const failure = state.failure ? ` (${state.failure})` : '';
  say(
    `batch ${batchId} ${state.status}${failure}: ${totals.done}/${total} tasks closed in ${duration(elapsedMs)}: ${totals.secure} secure, ${totals.vulnerable} vulnerable, ${totals.couldNotVerify} could not verify, ${totals.failed} failed${totals.cancelled ? `, ${totals.cancelled} cancelled` : ''}`,
  );
  say(`  ${join(outDir, 'results.jsonl')} (${tasks.length} tasks), ${join(outDir, 'results.sarif')}, ${join(outDir, 'summary.md')}`);
  if (state.status !== 'completed') return 2;
  if (totals.vulnerable > 0 || tasks.some((t) => t.result !== null && failsOn(t.result, failOn))) return 1;
  return totals.couldNotVerify + totals.failed + totals.cancelled > 0 ? 3 : 0;
}

async function attach(client: Client, env: Env, batchId: string, outDir: string, failOn: FailOn): Promise<number> {
  warn(`following batch ${batchId} (Ctrl-C detaches; the batch keeps running)\n  Temporal UI: ${uiLink(env, batchId)}`);
  process.once('SIGINT', () => {
    warn(`\ndetached; the batch keeps running. Re-attach: asc batch --attach ${batchId}   Cancel: asc cancel ${batchId}`);
    process.exit(130);
  });
  const { state, last } = await follow(client, batchId);
  return writeOutputs(client, batchId, outDir, state, last, failOn);
}

export async function batchCommand(args: string[], env: Env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      attach: { type: 'string' },
      audit: { type: 'boolean', default: false },
      'use-code': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'tasks-per-run': { type: 'string' },
      ...HARDEN_OPTIONS,
      out: { type: 'string' },
    },
  });
  const failOn = oneOf('fail-on', values['fail-on'], FAIL_ON) ?? 'security';
  if (values.attach !== undefined) {
    if (positionals.length > 0) throw new UsageError('--attach ID takes no file');
    const client = await connectClient(env);
    return attach(client, env, values.attach, values.out ?? values.attach.replace(/[^\w.-]/g, '_'), failOn);
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('batch takes one JSON Lines file: asc batch FILE.jsonl');
  if (values.audit && values['use-code'])
    throw new UsageError('--audit (no repair) and --use-code (repair with the LLM) exclude each other');
  const parsed = await readTasks(file, values.audit || values['use-code'] ? 'code' : 'prompt');
  const useLlm = llmConfigured(env) && !values.audit;
  if (!useLlm && parsed.tasks.some((t) => t.prompt !== undefined)) {
    throw new UsageError(
      `${file}: tasks with a prompt need an LLM to write the code: set OPENAI_BASE_URL (and OPENAI_API_KEY), or use --audit to analyse their insecure_code`,
    );
  }
  if (!useLlm && !values.audit) warn('No LLM configured: every task is audited (static analysis and fuzzing, no repair).');
  // Only what was asked for: checkBatch fills in the defaults it shares with `asc harden`.
  const settings: BatchInputArg['settings'] = {
    ...hardenSettings(env, values, useLlm, 'batch'),
    approval: approvalSettings(values.approval, values['approval-timeout']),
  };
  const batchId =
    values.id ??
    `batch-${basename(file)
      .replace(/\.jsonl?$/, '')
      .replace(/[^\w.-]/g, '_')}-${Date.now()}`;
  const input: BatchInputArg = {
    tasks: parsed.tasks,
    total: parsed.tasks.length,
    settings,
    concurrency: wholeNumber('concurrency', values.concurrency),
    tasksPerRun: wholeNumber('tasks-per-run', values['tasks-per-run']),
    skipped: parsed.skipped.slice(0, 1_000),
    budget: budgetFlags(values, useLlm),
  };
  try {
    checkBatch(input);
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const client = await connectClient(env);
  await startBatch(client, input, batchId);
  warn(
    `started batch ${batchId}: ${parsed.tasks.length} tasks${parsed.skipped.length ? `, ${parsed.skipped.length} line(s) skipped` : ''}`,
  );
  if (values['no-wait']) {
    warn(`  follow it: asc batch --attach ${batchId}   cancel it: asc cancel ${batchId}\n  Temporal UI: ${uiLink(env, batchId)}`);
    say(batchId);
    return 0;
  }
  return attach(client, env, batchId, values.out ?? batchId, failOn);
}
