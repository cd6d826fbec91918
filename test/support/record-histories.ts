/**
 * Records the histories the replay test replays (test/histories/*.json): one run of each
 * representative path, on real parts with the scripted LLM. Run it when a workflow change is
 * meant to change histories, after guarding running workflows with patched() and renaming the
 * current histories to the next vN- prefix (the old ones stay, to replay the unpatched side):
 *
 *   source scripts/env.sh && npm run --silent build && node dist/test/support/record-histories.js
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startBatch } from '../../src/client/batch.js';
import { answerApproval, startHarden } from '../../src/client/client.js';
import { awaitingApproval } from './approval.js';
import type { HardenRequestInput } from '../../src/common/schemas/index.js';
import { ScriptedLlm } from './scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_TASK, securityAwareModel } from './scenarios.js';
import { startStack, temporalCli } from './stack.js';

export const HISTORY_DIR = fileURLToPath(new URL('../../../test/histories/', import.meta.url));

export const RECORDED: Record<string, HardenRequestInput> = {
  'static-repair': { prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'scripted' }, fuzz: { mutations: 40 } },
  'fuzz-repair': { code: AVERAGE_FRAGILE, source: 'average.py', llm: { model: 'scripted' }, fuzz: { mutations: 40 } },
  audit: { code: AVERAGE_FRAGILE, source: 'average.py', llm: null, fuzz: { mutations: 40 } },
  // Behaviour tests: the first code's run, each candidate's, and the final code's.
  behaviour: {
    code: AVERAGE_FRAGILE,
    source: 'average.py',
    llm: { model: 'scripted' },
    fuzz: { mutations: 40 },
    tests: {
      style: 'check',
      source: 'def check(candidate):\n    assert candidate("a bb ccc") == 2.0\n',
      entryPoint: 'average_word_length',
    },
  },
  // A budget of four model calls: written, reviewed, repaired, reviewed again; then signature seeds, and a cost.
  budget: {
    prompt: LIST_TASK,
    source: 'list_directory.py',
    llm: { model: 'scripted', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
    budget: { maxTokens: null, maxLlmCalls: 4 },
    fuzz: { mutations: 40 },
  },
  // No function takes input: the module runs as a program, in coverage-guided rounds.
  script: {
    code: 'import os\nimport sys\n\nfor name in sys.argv[1:]:\n    os.system("echo " + name)\n',
    source: 'script.py',
    llm: null,
    fuzz: { mutations: 30 },
  },
};

const llm = await ScriptedLlm.start(securityAwareModel);
const stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'], llmUrl: llm.url });

/** Runs the request as history-<name> and saves its history as <name>.json. */
async function record(name: string, request: HardenRequestInput): Promise<void> {
  const id = `history-${name}`;
  await startHarden(stack.testEnv.client, request, id);
  await stack.testEnv.client.workflow.getHandle(id).result();
  // The CLI writes the proto-JSON form that Worker.runReplayHistory reads.
  const json = execFileSync(
    temporalCli(),
    ['workflow', 'show', '--workflow-id', id, '--output', 'json', '--address', stack.testEnv.address],
    { encoding: 'utf8' },
  );
  await writeFile(`${HISTORY_DIR}${name}.json`, json);
  console.log(`recorded ${name}`);
}

try {
  for (const [name, request] of Object.entries(RECORDED)) await record(name, request);
  // The Static Analyser agent's answers stay unusable: the run goes on with the tools' findings alone.
  llm.script((req) => (req.agent === 'static-analyser' ? 'Looks fine to me.' : securityAwareModel(req)));
  await record('agent-fallback', { prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'scripted' }, fuzz: { mutations: 20 } });
  llm.script(securityAwareModel);
  // A run that waits for a person's approval of its final code, and gets it (an Update in the history).
  await startHarden(
    stack.testEnv.client,
    { code: AVERAGE_FRAGILE, source: 'average.py', llm: null, fuzz: { mutations: 20 }, approval: { mode: 'final', timeoutMs: null } },
    'history-approval',
  );
  await awaitingApproval(stack.testEnv.client, 'history-approval');
  await answerApproval(stack.testEnv.client, 'history-approval', 'approve', { by: 'recorder', reason: 'a recorded approval' });
  await stack.testEnv.client.workflow.getHandle('history-approval').result();
  await writeFile(
    `${HISTORY_DIR}approval.json`,
    execFileSync(
      temporalCli(),
      ['workflow', 'show', '--workflow-id', 'history-approval', '--output', 'json', '--address', stack.testEnv.address],
      { encoding: 'utf8' },
    ),
  );
  console.log('recorded approval');
  // A batch's first run: children, their results, and the continue-as-new that ends it.
  const tasks = [1, 2, 3].map((n) => ({ id: `average-${n}`, code: AVERAGE_FRAGILE }));
  await startBatch(
    stack.testEnv.client,
    { tasks, total: 3, settings: { llm: null, fuzz: { mutations: 20 } }, concurrency: 2, tasksPerRun: 2 },
    'history-batch',
  );
  await stack.testEnv.client.workflow.getHandle('history-batch').result();
  for await (const run of stack.testEnv.client.workflow.list({
    query: `WorkflowId = 'history-batch' AND ExecutionStatus = 'ContinuedAsNew'`,
  })) {
    const json = execFileSync(
      temporalCli(),
      ['workflow', 'show', '--workflow-id', 'history-batch', '--run-id', run.runId, '--output', 'json', '--address', stack.testEnv.address],
      { encoding: 'utf8' },
    );
    await writeFile(`${HISTORY_DIR}batch.json`, json);
    console.log('recorded a batch run');
  }
} finally {
  await stack.stop();
  await llm.close();
}
