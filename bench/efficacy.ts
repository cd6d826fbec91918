/**
 * Efficacy: audits the labeled corpus (SALLM insecure samples and this project's secure
 * counterparts, the blind corpus's pairs, HumanEval canonical solutions) as one batch through the
 * real workflow, then prints recall, false alarms and pair accuracy per set and per source, a
 * per-CWE table, and writes them as JSON.
 *
 *   bash scripts/bench.sh efficacy [--pairs N] [--out FILE] [--concurrency N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { wholeNumber } from '../src/client/usage.js';
import { startStack } from '../test/support/stack.js';
import { efficacyCorpus, efficacyTable, runEfficacy } from './support/efficacy.js';

const { values } = parseArgs({
  options: { pairs: { type: 'string' }, out: { type: 'string', default: '.data/efficacy.json' }, concurrency: { type: 'string' } },
});
const pairs = wholeNumber('pairs', values.pairs);
const concurrency = Math.max(1, wholeNumber('concurrency', values.concurrency) ?? 4);
const corpus = efficacyCorpus(pairs);
const stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });
try {
  const { report, scored } = await runEfficacy(stack.testEnv.client, corpus, concurrency);
  console.log(efficacyTable(report));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ report, tasks: scored.map((s) => ({ id: s.task.id, label: s.task.label, set: s.task.set, source: s.task.source, cwe: s.task.cwe, verdict: s.verdict, reasons: s.reasons, evidence: s.evidence, dynamic: s.dynamic, whyNotDynamic: s.whyNotDynamic, coveragePct: s.coveragePct, stubbed: s.stubbed, robustness: s.robustness, contract: s.contract })) }, null, 2)}\n`,
  );
  console.log(`written to ${values.out}`);
} finally {
  await stack.stop();
}
