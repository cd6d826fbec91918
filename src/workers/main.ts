import { rm, writeFile } from 'node:fs/promises';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { CodecKeyError } from '../codec/aes-gcm.js';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import { llmConfigured, loadEnv, type Env } from '../common/config.js';
import type { QueueKind } from '../common/queues.js';
import { closeQueues, createWorker, PreflightError, prepareQueue, type QueueSetup } from './create.js';
import { ensureSearchAttributes } from './search-attributes.js';

/**
 * Runs the workers of the given queues in this process until SIGINT/SIGTERM, then closes the
 * connection. Exits 2 with a reason when a worker cannot start.
 */
export async function runWorkers(kinds: QueueKind[]): Promise<void> {
  const env = loadEnv();
  const dataConverter = dataConverterFromEnv(env);
  const setups: QueueSetup[] = [];
  for (const kind of kinds) setups.push(await prepareQueue(kind, env));
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    if (kinds.includes('workflows')) {
      const added = await ensureSearchAttributes(connection.operatorService, env.TEMPORAL_NAMESPACE).catch((error: unknown) => {
        // Hosted namespaces may refuse operator calls: runs then need them registered by hand.
        console.warn(
          `could not check the search attributes (${error instanceof Error ? error.message : String(error)}): register them with \`temporal operator search-attribute create\` (see README)`,
        );
        return [];
      });
      if (added.length > 0) console.log(`registered search attributes: ${added.join(', ')}`);
    }
    const workers: Worker[] = [];
    for (const setup of setups) workers.push(await createWorker(setup, { connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }));
    // Every worker is created, so connected to its namespace: they poll from here on.
    if (env.ASC_READY_FILE !== undefined) await writeFile(env.ASC_READY_FILE, `${kinds.join(',')}\n`);
    console.log(
      `workers running for: ${kinds.join(', ')} (Temporal at ${env.TEMPORAL_ADDRESS}${dataConverter ? ', payloads encrypted' : ''})`,
    );
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    if (env.ASC_READY_FILE !== undefined) await rm(env.ASC_READY_FILE, { force: true });
    await closeQueues(setups);
    await connection.close();
  }
}

export function startWorkersMain(kinds: QueueKind[]): void {
  runWorkers(kinds).catch((error: unknown) => {
    console.error(error instanceof PreflightError || error instanceof CodecKeyError ? `cannot start: ${error.message}` : error);
    process.exit(2);
  });
}

/** Every queue, for one local process; without an LLM endpoint runs are audits, so no llm worker. */
export function localQueues(env: Env): QueueKind[] {
  return llmConfigured(env) ? ['workflows', 'llm', 'analysis', 'sandbox'] : ['workflows', 'analysis', 'sandbox'];
}
