import { Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import type { Env } from '../common/config.js';
import { APPROVE_UPDATE, PROGRESS_QUERY, REJECT_UPDATE, TASK_QUEUES, WORKFLOW_TYPE } from '../common/queues.js';
import {
  ApprovalDecisionSchema,
  HardenResultSchema,
  ProgressSchema,
  type ApprovalDecision,
  type ApproveInput,
  type HardenRequestInput,
  type HardenResult,
  type Progress,
  type RejectInput,
} from '../common/schemas/index.js';
import { resolveHardenRequest } from './request.js';

/** Typed helpers over the Temporal client: start a run, read its progress and its result. */

export async function connectClient(env: Env): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
    return new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverterFromEnv(env) });
  } catch (error) {
    throw new Error(
      `cannot reach Temporal at ${env.TEMPORAL_ADDRESS} (${error instanceof Error ? error.message : String(error)}): start the local stack with \`asc dev\`, or set TEMPORAL_ADDRESS`,
    );
  }
}

export function uiLink(env: Env, workflowId: string): string {
  return `${env.TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Resolves and validates the request first, so bad input is refused before anything is started. */
export async function startHarden(client: Client, input: HardenRequestInput, workflowId: string): Promise<string> {
  const request = resolveHardenRequest(input);
  const handle = await client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUES.workflows,
    workflowId,
    args: [request],
    staticSummary: `harden ${request.source}${request.llm ? ` with ${request.llm.model}` : ' (audit)'}`,
  });
  return handle.workflowId;
}

/** Why a run failed: the cause Temporal wraps (the step and its reason), else the error itself. */
export function runFailureMessage(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? error.cause.message : error.message;
  return String(error);
}

/** Runs `read` against a run, turning "not found" into a message that says what to check. */
export async function readRun<T>(workflowId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw new Error(`no run with id ${workflowId}: check the id (\`temporal workflow list\` or the UI lists runs)`);
    throw error;
  }
}

/** Answers what a run waits for: `approve` or `reject` (with who and why); the run's validator refuses one it is not waiting for. */
export async function answerApproval(
  client: Client,
  workflowId: string,
  update: 'approve' | 'reject',
  input: ApproveInput | RejectInput,
): Promise<ApprovalDecision> {
  const handle = client.workflow.getHandle(workflowId);
  const { status } = await readRun(workflowId, () => handle.describe());
  if (status.name !== 'RUNNING')
    throw new Error(`${update} refused: run ${workflowId} is ${status.name.toLowerCase()}: nothing waits for approval`);
  try {
    return ApprovalDecisionSchema.parse(
      await handle.executeUpdate(update === 'approve' ? APPROVE_UPDATE : REJECT_UPDATE, { args: [input] }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new Error(`${update} refused: ${error.cause?.message ?? error.message}`);
    throw error;
  }
}

export interface RunStatus {
  status: string;
  /** The workflow type: a single run or a batch. */
  type: string;
  progress: Progress | null;
}

export function runStatus(client: Client, workflowId: string): Promise<RunStatus> {
  const handle = client.workflow.getHandle(workflowId);
  return readRun(workflowId, async () => {
    const description = await handle.describe();
    // A closed run still answers queries from its history, as long as a worker is up.
    const progress =
      description.type !== WORKFLOW_TYPE
        ? null
        : await handle
            .query(PROGRESS_QUERY)
            .then((p) => ProgressSchema.parse(p))
            .catch(() => null);
    return { status: description.status.name, type: description.type, progress };
  });
}

export function runResult(client: Client, workflowId: string): Promise<HardenResult> {
  return readRun(workflowId, async () => HardenResultSchema.parse(await client.workflow.getHandle(workflowId).result()));
}
