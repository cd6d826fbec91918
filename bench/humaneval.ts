/**
 * Functionality: hardens HumanEval tasks from their prompts against the configured
 * OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_API_KEY, ASC_MODEL), each with its tests as
 * behaviour tests, and prints pass@1 of the generated and of the hardened code and the verdicts.
 *
 *   bash scripts/bench.sh humaneval [--limit N] [--concurrency N] [--mutations N]
 */
import { parseArgs } from 'node:util';
import { wholeNumber } from '../src/client/usage.js';
import { llmConfigured, loadEnv } from '../src/common/config.js';
import { humanEvalTasks } from '../test/support/data.js';
import { startStack } from '../test/support/stack.js';
import { humanEvalTable, runHumanEval } from './support/humaneval.js';

const { values } = parseArgs({ options: { limit: { type: 'string' }, concurrency: { type: 'string' }, mutations: { type: 'string' } } });
const env = loadEnv(process.env);
if (!llmConfigured(env)) {
  console.error(
    'the HumanEval benchmark needs a model to write the code: set OPENAI_BASE_URL (and OPENAI_API_KEY, ASC_MODEL) to an OpenAI-compatible endpoint',
  );
  process.exit(2);
}
const tasks = humanEvalTasks().slice(0, wholeNumber('limit', values.limit) ?? Number.POSITIVE_INFINITY);
const stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'] });
try {
  const report = await runHumanEval(stack.testEnv.client, tasks, {
    model: env.ASC_MODEL,
    concurrency: Math.max(1, wholeNumber('concurrency', values.concurrency) ?? 4),
    mutations: wholeNumber('mutations', values.mutations),
  });
  console.log(humanEvalTable(report));
} finally {
  await stack.stop();
}
