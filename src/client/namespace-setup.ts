import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ensureSearchAttributes } from '../workers/search-attributes.js';

type WorkflowService = Pick<Connection['workflowService'], 'describeNamespace' | 'registerNamespace'>;
type OperatorService = Parameters<typeof ensureSearchAttributes>[0];

const NOT_FOUND = 5;

export interface SetupResult {
  namespaceCreated: boolean;
  searchAttributesAdded: string[];
}

const isNotFound = (error: unknown) => typeof error === 'object' && error !== null && 'code' in error && error.code === NOT_FOUND;

/**
 * What a fresh Temporal server needs before runs start: the namespace (a server on its own SQL
 * database has none) and the search attributes runs set. Idempotent, so a deployment runs it on
 * every start. A namespace just created takes a few seconds to reach every server cache, so the
 * search attributes are retried until `deadlineMs`.
 */
export async function setupNamespace(
  services: { workflowService: WorkflowService; operatorService: OperatorService },
  namespace: string,
  retentionDays: number,
  deadlineMs = 60_000,
): Promise<SetupResult> {
  let namespaceCreated = false;
  try {
    await services.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await services.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) });
    namespaceCreated = true;
  }
  const giveUpAt = Date.now() + deadlineMs;
  for (;;) {
    try {
      return { namespaceCreated, searchAttributesAdded: await ensureSearchAttributes(services.operatorService, namespace) };
    } catch (error) {
      if (!isNotFound(error) || Date.now() > giveUpAt) throw error;
      await sleep(1_000);
    }
  }
}
