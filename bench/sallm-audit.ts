/**
 * Audits every SALLM `insecure_code` sample through the real workflow (no LLM): per sample,
 * the Bandit findings and which fuzz oracle or crash fired; then the counts.
 *
 *   bash scripts/bench.sh sallm-audit [concurrency]
 */
import { performance } from 'node:perf_hooks';
import { startHarden } from '../src/client/client.js';
import { HardenResultSchema, type HardenResult } from '../src/common/schemas/index.js';
import { sallmTasks } from '../test/support/data.js';
import { startStack } from '../test/support/stack.js';

const concurrency = Number(process.argv[2] ?? 4);
const tasks = sallmTasks();
const stack = await startStack({ queues: ['workflows', 'analysis', 'sandbox'] });

function fired(result: HardenResult): string[] {
  const labels = new Set<string>();
  for (const f of result.fuzz.failures) {
    if (f.outcome.events.length > 0) for (const e of f.outcome.events) labels.add(`${e.cwe} ${e.kind}`);
    else labels.add(f.outcome.status === 'exception' ? `crash ${f.outcome.exceptionType}` : f.outcome.status);
  }
  return [...labels].sort();
}

const counts = {
  verdict: new Map<string, number>(),
  fired: new Map<string, number>(),
  bandit: 0,
  fuzzed: 0,
  oracle: 0,
  crash: 0,
  either: 0,
  skipped: new Map<string, number>(),
};
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const started = performance.now();
try {
  const queue = [...tasks];
  const lines: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) {
        const id = `sallm-audit-${task.id}-${Date.now()}`;
        await startHarden(stack.testEnv.client, { code: task.insecure_code, source: task.id, llm: null }, id);
        const result = HardenResultSchema.parse(await stack.testEnv.client.workflow.getHandle(id).result());
        const oracles = fired(result);
        const bandit = [...new Set(result.remainingFindings.map((f) => `${f.ruleId}/${f.cwe ?? '-'}`))].sort();
        bump(counts.verdict, result.verdict);
        if (bandit.length > 0) counts.bandit++;
        if (result.fuzz.target && !result.fuzz.skippedReason) counts.fuzzed++;
        else bump(counts.skipped, (result.fuzz.skippedReason ?? 'no target').replace(/: .*/, ''));
        const hasOracle = oracles.some((o) => o.startsWith('CWE-'));
        const hasCrash = oracles.some((o) => !o.startsWith('CWE-'));
        if (hasOracle) counts.oracle++;
        if (hasCrash) counts.crash++;
        if (hasOracle || hasCrash) counts.either++;
        for (const o of oracles) bump(counts.fired, o);
        const expected = /cwe(\d+)/i.exec(task.id)?.[1];
        lines.push(
          `${task.id.padEnd(48)} ${result.verdict.padEnd(16)} bandit: ${bandit.join(' ') || '-'} | fuzz: ${result.fuzz.target ? `${result.fuzz.target.entry} ${result.fuzz.target.function}` : 'skipped'} ${oracles.join(', ') || (result.fuzz.skippedReason ? `(${result.fuzz.skippedReason.slice(0, 60)})` : '-')} | labelled CWE-${Number(expected)}`,
        );
      }
    }),
  );
  console.log(lines.sort().join('\n'));
  const total = tasks.length;
  console.log(`\n${total} samples in ${((performance.now() - started) / 1000).toFixed(0)} s (concurrency ${concurrency})`);
  console.log(`verdicts: ${[...counts.verdict].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(
    `Bandit flagged ${counts.bandit}/${total}; fuzzed ${counts.fuzzed}/${total}; a security oracle fired on ${counts.oracle}, a crash on ${counts.crash}, either on ${counts.either}`,
  );
  console.log(`fuzz skipped: ${[...counts.skipped].map(([k, v]) => `${v} x ${k}`).join('; ') || 'none'}`);
  console.log(
    `fired, by kind (samples): ${[...counts.fired]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
} finally {
  await stack.stop();
}
