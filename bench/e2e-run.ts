/**
 * Wall time of whole hardening runs against the scripted LLM on real parts (Temporal dev
 * server, workers, Bandit, containers), split into LLM, analysis and sandbox time as the
 * workflow's step record sees it, the history size of each run, and orchestration's share: the
 * part of the run's time on the server when no activity was running (Temporal's scheduling, the
 * workflow tasks between steps, the workers' polling), from the history's event times. The
 * scripted model answers after 500 ms, as a fast hosted model would. Prints medians.
 *
 *   bash scripts/bench.sh e2e-run [runs]
 */
import { performance } from 'node:perf_hooks';
import { startHarden } from '../src/client/client.js';
import { HardenResultSchema, type AgentStep, type HardenRequestInput } from '../src/common/schemas/index.js';
import type { WorkflowHandle } from '@temporalio/client';
import { ScriptedLlm, type ChatRequest, type Reply } from '../test/support/scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_TASK, securityAwareModel } from '../test/support/scenarios.js';
import { startStack } from '../test/support/stack.js';
import { median } from './support/median.js';

const runs = Number(process.argv[2] ?? 5);
const GROUPS: Record<string, AgentStep['agent'][]> = {
  llm: ['coding', 'static-analyser', 'fuzzing'],
  analysis: ['bandit', 'analysers', 'inspector'],
  sandbox: ['sandbox'],
};

const scenarios: Record<string, HardenRequestInput> = {
  'static repair (prompt, insecure first answer)': { prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'scripted' } },
  'fuzz crash and repair (code given)': { code: AVERAGE_FRAGILE, source: 'average.py', llm: { model: 'scripted' } },
  'audit, no LLM (code given)': { code: AVERAGE_FRAGILE, source: 'average.py', llm: null },
};

/** The scenarios' model, answering after 500 ms. */
function slowModel(request: ChatRequest): Reply {
  const reply = securityAwareModel(request);
  if (typeof reply === 'string') return { content: reply, delayMs: 500 };
  return 'content' in reply ? { ...reply, delayMs: 500 } : reply;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

const ms = (t: HistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** The share of a run's time on the server during which no activity ran. */
function orchestrationShare(events: HistoryEvent[]): number {
  const startedAt = new Map<number, number>();
  const busy: [number, number][] = [];
  for (const e of events) {
    if (e.activityTaskStartedEventAttributes) startedAt.set(Number(e.eventId), ms(e.eventTime));
    const end =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    const from = end ? startedAt.get(Number(end.startedEventId)) : undefined;
    if (from !== undefined) busy.push([from, ms(e.eventTime)]);
  }
  const first = ms(events[0]?.eventTime);
  const total = ms(events.at(-1)?.eventTime) - first;
  // The union of the activities' intervals (parallel ones count once).
  let covered = 0;
  let reach = first;
  for (const [from, to] of busy.sort((a, b) => a[0] - b[0])) {
    if (to > reach) covered += to - Math.max(from, reach);
    reach = Math.max(reach, to);
  }
  return total > 0 ? (total - covered) / total : 0;
}

const llm = await ScriptedLlm.start(slowModel);
const stack = await startStack({ queues: ['workflows', 'llm', 'analysis', 'sandbox'], llmUrl: llm.url });
try {
  console.log(
    `${runs} runs per scenario, the model answering after 500 ms, medians; group times are summed step durations (a re-check's batches overlap)`,
  );
  for (const [name, request] of Object.entries(scenarios)) {
    const samples = {
      wall: [] as number[],
      llm: [] as number[],
      analysis: [] as number[],
      sandbox: [] as number[],
      events: [] as number[],
      steps: [] as number[],
      orchestration: [] as number[],
    };
    for (let i = 0; i < runs; i++) {
      const id = `bench-${name.replace(/\W+/g, '-')}-${i}-${Date.now()}`;
      const started = performance.now();
      await startHarden(stack.testEnv.client, request, id);
      const handle = stack.testEnv.client.workflow.getHandle(id);
      const result = HardenResultSchema.parse(await handle.result());
      samples.wall.push(performance.now() - started);
      for (const [group, agents] of Object.entries(GROUPS)) {
        (samples[group as 'llm'] ??= []).push(
          result.steps.filter((s) => agents.includes(s.agent)).reduce((sum, s) => sum + s.durationMs, 0),
        );
      }
      const events = (await handle.fetchHistory()).events ?? [];
      samples.events.push(events.length);
      samples.orchestration.push(orchestrationShare(events));
      samples.steps.push(result.steps.length);
    }
    console.log(
      `${name}: wall ${median(samples.wall).toFixed(0)} ms | llm ${median(samples.llm).toFixed(0)} ms, analysis ${median(samples.analysis).toFixed(0)} ms, sandbox ${median(samples.sandbox).toFixed(0)} ms | ${median(samples.steps)} steps, ${median(samples.events)} history events | orchestration ${(median(samples.orchestration) * 100).toFixed(1)}% of the run's time`,
    );
  }
} finally {
  await stack.stop();
  await llm.close();
}
