import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanEvalTable, runHumanEval } from '../bench/support/humaneval.js';
import { humanEvalTasks } from './support/data.js';
import { answer, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { scriptedSuite } from './support/stack.js';

/** The functionality benchmark on three HumanEval tasks with a scripted model whose first repair breaks the feature. */

const TASKS = humanEvalTasks().filter((t) => ['HumanEval/2', 'HumanEval/4', 'HumanEval/12'].includes(t.task_id));
const SEEDS: Record<string, [string, unknown[][]]> = {
  truncate_number: ['float', [[3.5], [1.25]]],
  mean_absolute_deviation: ['list', [[[1.0, 2.0, 3.0, 4.0]], [[2.5]]]],
  longest: ['list', [[['a', 'bb', 'ccc']], [[]]]],
};

function model(req: ChatRequest): Reply {
  const task = TASKS.find((t) => req.user.includes(`def ${t.entry_point}(`));
  if (!task) return { status: 400 };
  const [type, seeds] = SEEDS[task.entry_point] ?? ['str', []];
  switch (req.agent) {
    case 'coding':
      // Writes the canonical solution; the first repair "fixes" a crash by returning nothing,
      // the one after it was refused keeps the canonical code.
      if (!req.user.includes('Here is the current code') || req.user.includes('Your previous repair was refused'))
        return answer.code(`${task.prompt}${task.canonical_solution}`);
      return answer.code(`${task.prompt}    return None\n`);
    case 'static-analyser':
      return answer.findings([]);
    case 'fuzzing':
      return answer.seeds(task.entry_point, [{ name: /def \w+\((\w+)/.exec(task.prompt)?.[1] ?? 'x', type }], seeds);
    default:
      return { status: 400 };
  }
}

describe('functionality benchmark (three HumanEval tasks, scripted model)', () => {
  const suite = scriptedSuite(model);

  it('prints pass@1 before and after, and a repair that breaks a test is refused', async (t) => {
    assert.equal(TASKS.length, 3);
    const report = await runHumanEval(suite.stack.testEnv.client, TASKS, { model: 'scripted-model', concurrency: 3, mutations: 40 });
    const table = humanEvalTable(report);
    for (const line of table.split('\n')) t.diagnostic(line);
    assert.ok(
      report.rows.every((r) => r.error === null),
      table,
    );
    assert.ok(
      report.rows.every((r) => r.generatedPasses && r.hardenedPasses),
      table,
    );
    // Empty lists crash mean_absolute_deviation: its repair returns None, breaks the check and is refused.
    const mad = report.rows.find((r) => r.id === 'HumanEval-4');
    assert.ok((mad?.refusedRepairs ?? 0) >= 1, table);
    assert.deepEqual(report.functional, { tasks: 3, passedBefore: 3, passedAfter: 3 });
    assert.match(table, /^pass@1 of the generated code: 3\/3 \(100\.0%\)$/m);
    assert.match(table, /^pass@1 of the hardened code: {2}3\/3 \(100\.0%\)$/m);
    assert.match(table, /^repairs refused for breaking a passing test: [1-9]/m);
    assert.ok(report.spend.calls > 0 && report.spend.tokens > 0, table);
    assert.match(table, /^model spend: \d+ requests, \d+ tokens/m);
  });
});
