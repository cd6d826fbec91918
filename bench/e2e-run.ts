/**
 * Wall time of whole hardening runs against the scripted LLM on real parts (Temporal dev
 * server, workers, Bandit, containers), split into LLM, analysis and sandbox time as the
 * workflow's step record sees it, and the history size of each run. Prints medians.
 *
 *   bash scripts/bench.sh e2e-run [runs]
 */
import { performance } from 'node:perf_hooks';
import { startHarden } from '../src/client/client.js';
import { HardenResultSchema, type AgentStep, type HardenRequestInput } from '../src/common/schemas.js';
import { ScriptedLlm } from '../test/support/scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_TASK, securityAwareModel } from '../test/support/scenarios.js';
import { startStack } from '../test/support/stack.js';
import { median } from './support/median.js';

const runs = Number(process.argv[2] ?? 5);
const GROUPS: Record<string, AgentStep['agent'][]> = { llm: ['coding', 'static-analyser', 'fuzzing'], analysis: ['bandit', 'analysers', 'inspector'], sandbox: ['sandbox'] };

const scenarios: Record<string, HardenRequestInput> = {
  'static repair (prompt, insecure first answer)': { prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'scripted' } },
  'fuzz crash and repair (code given)': { code: AVERAGE_FRAGILE, source: 'average.py', llm: { model: 'scripted' } },
  'audit, no LLM (code given)': { code: AVERAGE_FRAGILE, source: 'average.py', llm: null },
};

const llm = await ScriptedLlm.start(securityAwareModel);
const stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'], llmUrl: llm.url });
try {
  console.log(`${runs} runs per scenario, medians; group times are summed step durations (sandbox batches overlap)`);
  for (const [name, request] of Object.entries(scenarios)) {
    const samples = { wall: [] as number[], llm: [] as number[], analysis: [] as number[], sandbox: [] as number[], events: [] as number[], steps: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const id = `bench-${name.replace(/\W+/g, '-')}-${i}-${Date.now()}`;
      const started = performance.now();
      await startHarden(stack.testEnv.client, request, id);
      const handle = stack.testEnv.client.workflow.getHandle(id);
      const result = HardenResultSchema.parse(await handle.result());
      samples.wall.push(performance.now() - started);
      for (const [group, agents] of Object.entries(GROUPS)) {
        (samples[group as 'llm'] ??= []).push(result.steps.filter((s) => agents.includes(s.agent)).reduce((sum, s) => sum + s.durationMs, 0));
      }
      samples.events.push((await handle.fetchHistory()).events?.length ?? 0);
      samples.steps.push(result.steps.length);
    }
    console.log(
      `${name}: wall ${median(samples.wall).toFixed(0)} ms | llm ${median(samples.llm).toFixed(0)} ms, analysis ${median(samples.analysis).toFixed(0)} ms, sandbox ${median(samples.sandbox).toFixed(0)} ms | ${median(samples.steps)} steps, ${median(samples.events)} history events`,
    );
  }
} finally {
  await stack.stop();
  await llm.close();
}
