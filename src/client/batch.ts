import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  BatchOutcomeSchema,
  BatchProgressSchema,
  type BatchInput,
  type BatchInputArg,
  type BatchOutcome,
  type BatchProgress,
} from '../common/schemas/index.js';
import { BATCH_PROGRESS_QUERY, BATCH_WORKFLOW_TYPE, TASK_QUEUES } from '../common/queues.js';
import { describeZodError } from '../common/zod-error.js';
import { HardenResultSchema, type HardenResult } from '../common/schemas/index.js';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import { readRun, runFailureMessage } from './client.js';
import { resolveBatchInput } from './request.js';

/** Client side of batch runs: start one, follow it, collect what its children found. */

/**
 * Temporal refuses a payload over 2 MB by default (the server's limit.blobSize.error), and
 * warns from 512 KB; the whole task list travels in the batch's first input.
 */
export const MAX_BATCH_INPUT_BYTES = 1_900_000;

/** Resolves the batch and refuses one Temporal would refuse, before anything connects or starts. */
export function checkBatch(input: BatchInputArg): BatchInput {
  const batch = resolveBatchInput(input);
  const bytes = Buffer.byteLength(JSON.stringify(batch));
  if (bytes > MAX_BATCH_INPUT_BYTES) {
    throw new Error(
      `the batch's ${batch.tasks.length} tasks take ${(bytes / 1e6).toFixed(1)} MB, over the ${MAX_BATCH_INPUT_BYTES / 1e6} MB Temporal accepts in one input: split the file into smaller batches`,
    );
  }
  return batch;
}

export async function startBatch(client: Client, input: BatchInputArg, batchId: string): Promise<void> {
  const batch = checkBatch(input);
  await client.workflow.start(BATCH_WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUES.workflows,
    workflowId: batchId,
    args: [batch],
    staticSummary: `batch of ${batch.total} tasks${batch.settings.llm ? ` with ${batch.settings.llm.model}` : ' (audit)'}`,
  });
}

/** A batch's latest run (after continue-as-new too): its status, its counts, and its end. */
export interface BatchState {
  status: string;
  progress: BatchProgress | null;
  /** Set once the batch completed. */
  outcome: BatchOutcome | null;
  failure: string | null;
  /** When the batch's latest run closed (null while running). */
  closedAtMs: number | null;
}

export function batchState(client: Client, batchId: string): Promise<BatchState> {
  const handle = client.workflow.getHandle(batchId);
  return readRun(batchId, async () => {
    const { status, closeTime } = await handle.describe();
    const closedAtMs = closeTime?.getTime() ?? null;
    // A closed batch still answers the query from its history, while a workflows worker is up.
    const progress = await handle
      .query(BATCH_PROGRESS_QUERY)
      .then((p) => BatchProgressSchema.parse(p))
      .catch(() => null);
    if (status.name === 'RUNNING') return { status: 'running', progress, outcome: null, failure: null, closedAtMs };
    if (status.name === 'COMPLETED')
      return { status: 'completed', progress, outcome: BatchOutcomeSchema.parse(await handle.result()), failure: null, closedAtMs };
    const failure = await handle.result().then(
      () => null,
      (error: unknown) => runFailureMessage(error),
    );
    return { status: status.name.toLowerCase().replace('_', '-'), progress, outcome: null, failure, closedAtMs };
  });
}

/** The latest counts of a batch: from the query, else (no worker to answer) from its result. */
export function batchCounts(state: BatchState): BatchProgress | null {
  return state.progress ?? (state.outcome ? { ...state.outcome, running: [], pending: 0, cancelling: false } : null);
}

export async function cancelRun(client: Client, workflowId: string): Promise<void> {
  await readRun(workflowId, () => client.workflow.getHandle(workflowId).cancel());
}

export interface TaskRecord {
  id: string;
  workflowId: string;
  status: string;
  result: HardenResult | null;
  error: string | null;
}

const FETCH_CONCURRENCY = 16;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Every child run of a batch, found through the AscBatch search attribute, with its result or
 * its failure. Visibility lags a little behind: waits (bounded) until `expected` runs are listed.
 */
export async function collectTasks(client: Client, batchId: string, expected: number, waitMs = 15_000): Promise<TaskRecord[]> {
  const query = `${SEARCH_ATTRIBUTES.batch.name} = '${batchId.replace(/'/g, "\\'")}'`;
  const deadline = Date.now() + waitMs;
  let listed: WorkflowExecutionInfo[] = [];
  for (;;) {
    listed = [];
    for await (const info of client.workflow.list({ query })) listed.push(info);
    const closed = listed.filter((info) => info.status.name !== 'RUNNING').length;
    if ((listed.length >= expected && closed === listed.length) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  listed.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const prefix = `${batchId}/`;
  return mapLimit(listed, FETCH_CONCURRENCY, async (info): Promise<TaskRecord> => {
    const id = info.workflowId.startsWith(prefix) ? info.workflowId.slice(prefix.length) : info.workflowId;
    const base = { id, workflowId: info.workflowId, status: info.status.name.toLowerCase().replace('_', '-') };
    if (info.status.name !== 'COMPLETED') {
      const error = await client.workflow
        .getHandle(info.workflowId, info.runId)
        .result()
        .then(
          () => null,
          (error: unknown) => runFailureMessage(error),
        );
      return { ...base, result: null, error };
    }
    const parsed = HardenResultSchema.safeParse(await client.workflow.getHandle(info.workflowId, info.runId).result());
    return parsed.success
      ? { ...base, result: parsed.data, error: null }
      : { ...base, result: null, error: describeZodError('the run result', parsed.error) };
  });
}
