import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { efficacyCorpus, efficacyTable, runEfficacy } from '../bench/support/efficacy.js';
import { startStack, type Stack } from './support/stack.js';

/** The efficacy benchmark on a slice of its corpus, through the real workflow: it must not rot. */

describe('efficacy benchmark (a slice: 8 SALLM pairs, 8 blind pairs and 8 HumanEval tasks)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });
  });
  after(async () => {
    await stack.stop();
  });

  it('names every SALLM source by the authors its ids name, and reads every blind pair', () => {
    const corpus = efficacyCorpus();
    const sources = [...new Set(corpus.filter((t) => t.set === 'sallm').map((t) => t.source))].sort();
    assert.deepEqual(sources, ['Author_A', 'CodeQL', 'Mitre', 'SecurityEval', 'SonarSource', 'StackOverflow']);
    const blind = corpus.filter((t) => t.set === 'blind');
    assert.ok(blind.length >= 150, `the blind corpus has ${blind.length / 2} pairs`);
    for (const t of blind) assert.match(t.cwe ?? '', /^CWE-\d+$/, t.id);
  });

  it('pairs each insecure sample with its secure counterpart and scores every task', async () => {
    const corpus = efficacyCorpus(8);
    const labels = (label: string) => corpus.filter((t) => t.label === label).length;
    assert.deepEqual([labels('insecure'), labels('secure'), labels('benign')], [16, 16, 8]);
    for (const t of corpus.filter((c) => c.label === 'secure'))
      assert.notEqual(t.code, corpus.find((c) => c.label === 'insecure' && c.pair === t.pair)?.code, `${t.id} is its insecure sample`);
    const { report, scored } = await runEfficacy(stack.testEnv.client, corpus, 4);
    assert.ok(
      scored.every((s) => s.verdict !== 'failed'),
      JSON.stringify(scored.filter((s) => s.verdict === 'failed').map((s) => s.task.id)),
    );
    assert.equal(report.pairAccuracy.pairs, 8);
    assert.equal(report.insecure.tasks + report.secure.tasks + report.benign.tasks, 24);
    assert.equal(
      Object.values(report.perCwe).reduce((n, r) => n + r.pairs, 0),
      8,
    );
    // Each set is reported on its own: the blind pairs count in no SALLM figure.
    assert.equal(report.blind?.pairAccuracy.pairs, 8);
    assert.equal(report.perSource.blind?.pairs, 8);
    assert.equal(
      Object.values(report.perSource).reduce((n, f) => n + f.pairs, 0),
      16,
    );
    const table = efficacyTable(report);
    assert.match(table, /pair accuracy over 8 pairs/);
    assert.match(table, /blind pair accuracy over 8 pairs/);
    // A verdict that could not clear the code says why, in the reasons the benchmark keeps.
    for (const s of scored.filter((t) => t.verdict === 'could-not-verify')) assert.ok(s.reasons.length > 0, s.task.id);
    // Every task's verdict agrees with its evidence: vulnerable exactly when it has security evidence.
    for (const s of scored)
      assert.equal(
        s.verdict === 'vulnerable',
        s.evidence.length > 0,
        `${s.task.id}: ${s.verdict} with evidence ${JSON.stringify(s.evidence)}`,
      );
  });
});
