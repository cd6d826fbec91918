import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from './support/stack.js';

/**
 * Replays saved histories of representative runs against today's workflow code: a change that
 * would break running workflows (non-determinism) fails here. Histories are recorded by
 * test/support/record-histories.ts; v1-*.json were recorded before the search-attributes patch,
 * v2-*.json before the settle-fuzz-batches patch, so both sides of each patch are replayed.
 * Keep old ones when re-recording.
 */
const HISTORIES = fileURLToPath(new URL('../../test/histories/', import.meta.url));

describe('replay of saved histories', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has histories to replay', () => {
    assert.ok(files.length >= 3, `only ${files.length} histories in ${HISTORIES}`);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history: unknown = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
      // Recorded as history-<name> (record-histories.ts); a batch names its children after it.
      const workflowId = `history-${file.replace(/^v\d+-/, '').replace(/\.json$/, '')}`;
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
    });
  }
});
