import assert from 'node:assert/strict';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { PROGRESS_QUERY } from '../../src/common/queues.js';
import { ProgressSchema, type Progress } from '../../src/common/schemas/index.js';

/** Polls a run's progress until it waits for a person, and returns what it waits for. */
export async function awaitingApproval(client: Client, id: string): Promise<NonNullable<Progress['awaiting']>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    // A batch starts its tasks' runs a moment after the batch: until then there is no run to ask.
    const progress = await client.workflow
      .getHandle(id)
      .query(PROGRESS_QUERY)
      .then((p) => ProgressSchema.parse(p))
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      });
    if (progress?.awaiting) return progress.awaiting;
    assert.ok(Date.now() < deadline, `${id} did not ask for approval within 120 s (phase ${progress?.phase ?? 'not started'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
