import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { AgentCallMetaSchema, FindingSchema, HardenResultSchema, TokenUsageSchema, type HardenResult } from '../common/schemas/index.js';
import { unifiedDiff } from './diff.js';
import { decodeOptionalFailure, decodeOptionalPayload, timestampMs } from './history-decode.js';

/**
 * The full trail of a run, read back from its Temporal history: for each step the agent, what
 * it was told and answered, its findings, the code change, tokens and timing, in order.
 */

const TranscriptSchema = AgentCallMetaSchema.shape.transcript;

export const AuditEntrySchema = z.object({
  index: z.number().int(),
  activity: z.string(),
  queue: z.string(),
  summary: z.string(),
  attempts: z.number().int(),
  scheduledAt: z.string(),
  durationMs: z.number().nullable(),
  status: z.enum(['completed', 'failed', 'timed-out', 'cancelled', 'running']),
  failure: z.string().nullable(),
  usage: TokenUsageSchema.nullable(),
  transcript: TranscriptSchema.nullable(),
  findings: z.array(FindingSchema).nullable(),
  codeDiff: z.string().nullable(),
  input: z.unknown(),
  result: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditTrailSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z.string(),
  request: z.unknown(),
  result: HardenResultSchema.nullable(),
  entries: z.array(AuditEntrySchema),
});
export type AuditTrail = z.infer<typeof AuditTrailSchema>;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

type Failure = temporal.api.failure.v1.IFailure | null | undefined;

function eventId(value: unknown): number {
  return Number(String(value));
}

/** Reads optional fields of an activity's input or result without trusting their shape. */
const CodeCarrier = z.object({ code: z.string() }).partial();
const MetaCarrier = z.object({ meta: AgentCallMetaSchema }).partial();
const FindingsCarrier = z.object({ findings: z.array(FindingSchema) }).partial();

type Entry = AuditEntry & { scheduledMs: number };

/** Payloads and failures read through the client's codec: with encryption on, the history holds only ciphertext. */
function decoders(client: Client) {
  const converter = client.options.loadedDataConverter;
  return {
    first: async (payloads: Payloads): Promise<unknown> => (await decodeOptionalPayload(converter, payloads?.payloads?.[0])) ?? null,
    failureMessage: async (failure: Failure, fallback: string): Promise<string> =>
      (await decodeOptionalFailure(converter, failure))?.message ?? fallback,
  };
}
type Decoders = ReturnType<typeof decoders>;

/** The entry of an activity the workflow scheduled: what it was asked, and when. */
async function scheduledEntry(event: HistoryEvent, index: number, at: number, { first }: Decoders): Promise<Entry | null> {
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (!scheduled) return null;
  const summaryValue = await first({ payloads: event.userMetadata?.summary ? [event.userMetadata.summary] : [] });
  return {
    index,
    activity: scheduled.activityType?.name ?? '?',
    queue: scheduled.taskQueue?.name ?? '?',
    summary: typeof summaryValue === 'string' ? summaryValue : '',
    attempts: 0,
    scheduledAt: new Date(at).toISOString(),
    scheduledMs: at,
    durationMs: null,
    status: 'running',
    failure: null,
    usage: null,
    transcript: null,
    findings: null,
    codeDiff: null,
    input: await first(scheduled.input),
    result: null,
  };
}

/** What a later event says of its activity's entry: an attempt started, or how it ended. */
async function settleEntry(
  event: HistoryEvent,
  at: number,
  entries: Map<number, Entry>,
  { first, failureMessage }: Decoders,
): Promise<void> {
  const started = event.activityTaskStartedEventAttributes;
  const done = event.activityTaskCompletedEventAttributes;
  const failed = event.activityTaskFailedEventAttributes;
  const timedOut = event.activityTaskTimedOutEventAttributes;
  const cancelled = event.activityTaskCanceledEventAttributes;
  const ref = started ?? done ?? failed ?? timedOut ?? cancelled;
  const entry = ref ? entries.get(eventId(ref.scheduledEventId)) : undefined;
  if (!entry) return;
  if (started) entry.attempts = started.attempt ?? 1;
  if (done || failed || timedOut || cancelled) entry.durationMs = at - entry.scheduledMs;
  if (done) {
    entry.status = 'completed';
    entry.result = await first(done.result);
    const meta = MetaCarrier.safeParse(entry.result).data?.meta;
    entry.usage = meta?.usage ?? null;
    entry.transcript = meta?.transcript ?? null;
    entry.findings = FindingsCarrier.safeParse(entry.result).data?.findings ?? null;
    const before = CodeCarrier.safeParse(entry.input).data?.code;
    const after = CodeCarrier.safeParse(entry.result).data?.code;
    if (before !== undefined && after !== undefined && before !== after) entry.codeDiff = unifiedDiff(before, after);
  }
  if (failed) [entry.status, entry.failure] = ['failed', await failureMessage(failed.failure, 'failed')];
  if (timedOut) [entry.status, entry.failure] = ['timed-out', await failureMessage(timedOut.failure, 'timed out')];
  if (cancelled) entry.status = 'cancelled';
}

export async function buildAuditTrail(client: Client, workflowId: string): Promise<AuditTrail> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const history = await handle.fetchHistory();
  const decode = decoders(client);
  const entries = new Map<number, Entry>();
  let request: unknown = null;
  let result: HardenResult | null = null;
  for (const event of history.events ?? ([] as HistoryEvent[])) {
    const at = timestampMs(event.eventTime) ?? 0;
    if (event.workflowExecutionStartedEventAttributes) request = await decode.first(event.workflowExecutionStartedEventAttributes.input);
    const completed = event.workflowExecutionCompletedEventAttributes;
    if (completed) result = HardenResultSchema.safeParse(await decode.first(completed.result)).data ?? null;
    const scheduled = await scheduledEntry(event, entries.size + 1, at, decode);
    if (scheduled) entries.set(eventId(event.eventId), scheduled);
    else await settleEntry(event, at, entries, decode);
  }
  return AuditTrailSchema.parse({
    workflowId,
    runId: description.runId,
    status: description.status.name,
    request,
    result,
    entries: [...entries.values()].map(({ scheduledMs: _scheduledMs, ...entry }) => entry),
  });
}

function fence(text: string, lang = ''): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text.trimEnd()}\n${ticks}`;
}

export function auditMarkdown(trail: AuditTrail): string {
  const out: string[] = [`# Audit trail of ${trail.workflowId}`, ''];
  const r = trail.result;
  out.push(
    `Run ${trail.runId}: ${trail.status}${r ? `; verdict **${r.verdict}**; ${r.mode === 'audit' ? 'audit, no LLM' : `model ${r.model}`}; source ${r.source}` : ''}.`,
    '',
  );
  if (r) {
    out.push(
      `Tokens: ${r.usage.prompt} prompt + ${r.usage.completion} completion. Findings by CWE before: ${JSON.stringify(r.findingsBefore)}; after: ${JSON.stringify(r.findingsAfter)}.`,
      '',
    );
    for (const reason of r.reasons) out.push(`- ${reason}`);
    out.push('');
  }
  for (const e of trail.entries) {
    out.push(`## ${e.index}. ${e.summary || e.activity}`, '');
    out.push(
      `- activity \`${e.activity}\` on \`${e.queue}\`, ${e.status}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ''}; scheduled ${e.scheduledAt}${e.durationMs !== null ? `, ${e.durationMs} ms` : ''}`,
    );
    if (e.usage) out.push(`- tokens: ${e.usage.prompt} prompt + ${e.usage.completion} completion`);
    if (e.failure) out.push(`- failure: ${e.failure}`);
    out.push('');
    for (const message of e.transcript ?? []) out.push(`**${message.role}**`, '', fence(message.content), '');
    if (e.findings) {
      out.push(e.findings.length === 0 ? 'Findings: none.' : 'Findings:', '');
      for (const f of e.findings)
        out.push(`- ${f.cwe ?? 'no CWE'} line ${f.line ?? '?'} (${f.source} ${f.ruleId}, ${f.severity}): ${f.message}`);
      out.push('');
    }
    if (e.codeDiff) out.push('Code change:', '', fence(e.codeDiff, 'diff'), '');
  }
  return out.join('\n');
}
