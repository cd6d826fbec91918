import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { efficacyCorpus, efficacyTable, runEfficacy } from '../bench/support/efficacy.js';
import { startStack, type Stack } from './support/stack.js';

/** The efficacy benchmark on a slice of its corpus, through the real workflow: it must not rot. */

describe('efficacy benchmark (a slice: 3 pairs and 3 HumanEval tasks)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });
  });
  after(async () => {
    await stack.stop();
  });

  it('pairs each insecure sample with its secure counterpart and scores every task', async () => {
    const corpus = efficacyCorpus(3);
    assert.deepEqual(corpus.map((t) => t.label).sort(), ['benign', 'benign', 'benign', 'insecure', 'insecure', 'insecure', 'secure', 'secure', 'secure']);
    for (const t of corpus.filter((c) => c.label === 'secure')) assert.notEqual(t.code, corpus.find((c) => c.label === 'insecure' && c.pair === t.pair)?.code, `${t.id} is its insecure sample`);
    const { report, scored } = await runEfficacy(stack.testEnv.client, corpus, 3);
    assert.ok(scored.every((s) => s.verdict !== 'failed'), JSON.stringify(scored.filter((s) => s.verdict === 'failed').map((s) => s.task.id)));
    assert.equal(report.pairAccuracy.pairs, 3);
    assert.equal(report.insecure.tasks + report.secure.tasks + report.benign.tasks, 9);
    assert.ok(Object.values(report.perCwe).reduce((n, r) => n + r.pairs, 0) === 3);
    assert.match(efficacyTable(report), /pair accuracy over 3 pairs/);
  });
});
