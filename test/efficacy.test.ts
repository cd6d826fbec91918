import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { efficacyCorpus, efficacyTable, runEfficacy } from '../bench/support/efficacy.js';
import { startStack, type Stack } from './support/stack.js';

/** The efficacy benchmark on a slice of its corpus, through the real workflow: it must not rot. */

describe('efficacy benchmark (a slice: 10 pairs and 10 HumanEval tasks)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });
  });
  after(async () => {
    await stack.stop();
  });

  it('pairs each insecure sample with its secure counterpart and scores every task', async () => {
    const corpus = efficacyCorpus(10);
    const labels = (label: string) => corpus.filter((t) => t.label === label).length;
    assert.deepEqual([labels('insecure'), labels('secure'), labels('benign')], [10, 10, 10]);
    for (const t of corpus.filter((c) => c.label === 'secure'))
      assert.notEqual(t.code, corpus.find((c) => c.label === 'insecure' && c.pair === t.pair)?.code, `${t.id} is its insecure sample`);
    const { report, scored } = await runEfficacy(stack.testEnv.client, corpus, 4);
    assert.ok(
      scored.every((s) => s.verdict !== 'failed'),
      JSON.stringify(scored.filter((s) => s.verdict === 'failed').map((s) => s.task.id)),
    );
    assert.equal(report.pairAccuracy.pairs, 10);
    assert.equal(report.insecure.tasks + report.secure.tasks + report.benign.tasks, 30);
    assert.ok(Object.values(report.perCwe).reduce((n, r) => n + r.pairs, 0) === 10);
    assert.match(efficacyTable(report), /pair accuracy over 10 pairs/);
    // Every task's verdict agrees with its evidence: vulnerable exactly when it has security evidence.
    for (const s of scored)
      assert.equal(
        s.verdict === 'vulnerable',
        s.evidence.length > 0,
        `${s.task.id}: ${s.verdict} with evidence ${JSON.stringify(s.evidence)}`,
      );
  });
});
