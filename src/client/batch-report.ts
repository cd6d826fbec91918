import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BatchTotals, SkippedLine } from '../common/schemas/index.js';
import { FindingKindSchema, type Budget, type Finding, type FindingKind, type HardenResult } from '../common/schemas/index.js';
import { describeBudget } from '../domain/budget.js';
import { summariseFailures } from '../domain/compact.js';
import { findingOrigin } from '../domain/findings.js';
import type { TaskRecord } from './batch.js';
import { outcomeText, renderCall } from './report.js';

/** The three outputs of a batch: per-task JSONL, SARIF 2.1.0 for code scanning, a Markdown summary. */

/** Where each task's final code is written, relative to the output folder: SARIF locations point there. */
/**
 * Where a task's final code is written. An id that is a plain Python file name is the file's
 * name; any other id gets a readable stem and a hash of the id after a "+", which no plain name
 * contains, so different ids never share a file ("a" and "a.py", "a/b" and "a_b").
 */
export function codePath(taskId: string): string {
  if (/^[\w.-]{1,200}\.py$/.test(taskId) && !taskId.startsWith('.')) return `code/${taskId}`;
  const stem = taskId
    .replace(/[^\w.-]/g, '_')
    .replace(/\.py$/, '')
    .replace(/^\./, '_')
    .slice(0, 100);
  return `code/${stem}+${createHash('sha256').update(taskId).digest('hex').slice(0, 16)}.py`;
}

export function resultLine(task: TaskRecord): string {
  const r = task.result;
  return JSON.stringify({
    id: task.id,
    workflowId: task.workflowId,
    status: task.status,
    verdict: r?.verdict ?? null,
    reasons: r?.reasons ?? [],
    mode: r?.mode ?? null,
    findingsBefore: r?.findingsBefore ?? {},
    findingsAfter: r?.findingsAfter ?? {},
    remainingByKind: r?.remainingByKind ?? null,
    remainingFindings: r?.remainingFindings ?? [],
    remainingFailures: r?.remainingFailures ?? [],
    fuzzFirstPassExecuted: r?.fuzz.firstPassExecuted ?? 0,
    usage: r?.usage ?? null,
    codeFile: r ? codePath(task.id) : null,
    finalCode: r?.finalCode ?? null,
    error: task.error,
  });
}

// ---- SARIF 2.1.0: the subset we write, as a schema so tests check the shape ----

const MessageSchema = z.object({ text: z.string().min(1) });
export const SarifSchema = z.object({
  $schema: z.string(),
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({
            name: z.string(),
            informationUri: z.string(),
            rules: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                shortDescription: MessageSchema,
                helpUri: z.string().optional(),
                properties: z.object({ tags: z.array(z.string()) }),
              }),
            ),
          }),
        }),
        automationDetails: z.object({ id: z.string() }),
        results: z.array(
          z.object({
            ruleId: z.string(),
            ruleIndex: z.number().int().min(0),
            level: z.enum(['error', 'warning', 'note']),
            message: MessageSchema,
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({
                    artifactLocation: z.object({ uri: z.string() }),
                    region: z.object({ startLine: z.number().int().min(1) }),
                  }),
                }),
              )
              .length(1),
            partialFingerprints: z.record(z.string(), z.string()),
            /** A tool finding the Static Analyser agent dismissed: shown, with its reason, as suppressed. */
            suppressions: z
              .array(z.object({ kind: z.literal('external'), status: z.literal('accepted'), justification: z.string() }))
              .optional(),
            properties: z.object({
              task: z.string(),
              workflowId: z.string(),
              detectedBy: z.string(),
              kind: FindingKindSchema,
              /** Fuzz results: how many failing inputs the weakness stands for, and a few of them as calls. */
              failingInputs: z.number().int().optional(),
              exampleInputs: z.array(z.string()).optional(),
            }),
          }),
        ),
      }),
    )
    .length(1),
});
export type Sarif = z.infer<typeof SarifSchema>;
type SarifResult = Sarif['runs'][number]['results'][number];
type SarifRule = Sarif['runs'][number]['tool']['driver']['rules'][number];

/** A security weakness is an error, a robustness issue a warning, a failure outside the contract a note. */
const LEVELS = { security: 'error', robustness: 'warning', contract: 'note' } as const;

function cweNumber(cwe: string): string | null {
  return /^CWE-(\d+)$/.exec(cwe)?.[1] ?? null;
}

/** A security weakness's rule is its CWE; a robustness or contract one is told apart by a prefix, and tagged so. */
const ruleFor = (cwe: string, kind: FindingKind) => (kind === 'security' ? cwe : `${kind}/${cwe}`);

/** The SARIF rules a report uses, each once, by id. */
class SarifRules {
  readonly list: SarifRule[] = [];
  private readonly index = new Map<string, number>();

  /** The index of rule `id`, added on first use. */
  of(id: string, kind: FindingKind, description: string): number {
    const known = this.index.get(id);
    if (known !== undefined) return known;
    const n = cweNumber(id.replace(/^\w+\//, ''));
    this.list.push({
      id,
      name: id,
      shortDescription: { text: description },
      ...(n ? { helpUri: `https://cwe.mitre.org/data/definitions/${n}.html` } : {}),
      properties: {
        tags: [
          kind === 'security' ? 'security' : kind === 'robustness' ? 'reliability' : 'contract',
          ...(n ? [`external/cwe/cwe-${n}`] : []),
        ],
      },
    });
    this.index.set(id, this.list.length - 1);
    return this.list.length - 1;
  }
}

const sarifLocation = (task: TaskRecord, line: number | null) => [
  { physicalLocation: { artifactLocation: { uri: codePath(task.id) }, region: { startLine: Math.max(1, line ?? 1) } } },
];

/** One result per static finding of the final code; a dismissed one carries the agent's reason as an accepted suppression. */
function staticResults(task: TaskRecord, r: HardenResult, rules: SarifRules): SarifResult[] {
  return [...r.remainingFindings, ...r.dismissedFindings].map((f: Finding, i) => {
    const id = ruleFor(f.cwe ?? `${f.source}:${f.ruleId}`, f.kind);
    const dismissed =
      f.triage?.verdict === 'dismissed'
        ? {
            suppressions: [
              {
                kind: 'external' as const,
                status: 'accepted' as const,
                justification: `dismissed by the Static Analyser agent: ${f.triage.reason}`,
              },
            ],
          }
        : {};
    return {
      ruleId: id,
      ruleIndex: rules.of(id, f.kind, f.cwe ? `${f.cwe} (static analysis)` : `${f.source} ${f.ruleId}`),
      level: LEVELS[f.kind],
      message: { text: `${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}` },
      locations: sarifLocation(task, f.line),
      partialFingerprints: { ascFinding: `${task.id}:${id}:${f.ruleId}:${f.line ?? 0}:${i}` },
      properties: { task: task.id, workflowId: task.workflowId, detectedBy: findingOrigin(f), kind: f.kind },
      ...dismissed,
    };
  });
}

/** One result per fuzzing weakness and place, with its failing inputs attached. */
function fuzzResults(task: TaskRecord, r: HardenResult, rules: SarifRules): SarifResult[] {
  const fn = r.fuzz.target?.function ?? 'target';
  // Results from before failures were grouped: group the sample they kept.
  const summary =
    r.remainingFailureSummary.groups.length > 0 || r.remainingFailures.length === 0
      ? r.remainingFailureSummary
      : summariseFailures(r.remainingFailures);
  return summary.groups.map((g) => {
    const examples = r.remainingFailures.filter((f) => g.examples.includes(f.input.id));
    const first = examples[0];
    const what = first ? (first.outcome.events.find((e) => e.cwe === g.cwe)?.detail ?? outcomeText(first.outcome)) : g.label;
    const calls = examples.slice(0, 3).map((f) => renderCall(fn, f.input));
    const id = ruleFor(g.cwe, g.kind);
    return {
      ruleId: id,
      ruleIndex: rules.of(id, g.kind, `${g.cwe} (found by fuzzing)`),
      level: LEVELS[g.kind],
      message: {
        text: `${g.kind}: ${g.label} on ${g.inputs} fuzz input${g.inputs === 1 ? '' : 's'}${calls[0] ? `, e.g. ${calls[0]}` : ''}: ${what}`,
      },
      locations: sarifLocation(task, g.line),
      partialFingerprints: { ascFinding: `${task.id}:${g.cwe}:fuzz:${g.kind}:${g.label}:${g.line ?? 0}` },
      properties: {
        task: task.id,
        workflowId: task.workflowId,
        detectedBy: 'fuzzing',
        kind: g.kind,
        failingInputs: g.inputs,
        exampleInputs: calls,
      },
    };
  });
}

/**
 * Remaining weaknesses of every task's final code: one SARIF result per static finding, and one
 * per fuzzing weakness and place (kind, CWE, cause, line) with its failing inputs attached.
 */
export function buildSarif(batchId: string, tasks: TaskRecord[]): Sarif {
  const rules = new SarifRules();
  const results = tasks.flatMap((task) =>
    task.result ? [...staticResults(task, task.result, rules), ...fuzzResults(task, task.result, rules)] : [],
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'AutoSafeCoder', informationUri: 'https://arxiv.org/abs/2409.10737', rules: rules.list } },
        automationDetails: { id: `autosafecoder/${batchId}/` },
        results,
      },
    ],
  };
}

// ---- Markdown summary ----

function table(header: [string, ...string[]], rows: (string | number)[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export interface SummaryInput {
  batchId: string;
  status: string;
  total: number;
  totals: BatchTotals;
  /** The batch's model budget, when it had one. */
  budget: Budget | null;
  tasks: TaskRecord[];
  skipped: SkippedLine[];
  elapsedMs: number;
}

/** Tokens, requests and cost; with a budget, what it allowed, what counted against it, and the tasks it stopped. */
function spendLines(t: BatchTotals, budget: Budget | null, priced: boolean): string[] {
  const lines = [
    `${t.usage.prompt} prompt + ${t.usage.completion} completion = ${t.usage.prompt + t.usage.completion} tokens in ${t.llmCalls} model requests${priced ? `, costing $${t.costUsd.toFixed(4)} at the price table's rates` : ''}.`,
  ];
  if (budget) {
    lines.push(
      '',
      `Budget: ${describeBudget(budget)}; counted against it: ${t.budgetCharged.tokens} tokens and ${t.budgetCharged.calls} requests (a task that failed or was cancelled counts its whole share).`,
      `${t.budgetStopped} task(s) stopped calling the model at their share and were analysed as they stood; ${t.unfunded} task(s) were not started, as nothing was left to write their code.`,
    );
  }
  return lines;
}

/** The tasks by verdict, and how many have issues beside it. */
function verdictSection(s: SummaryInput): string[] {
  const t = s.totals;
  const withKind = (kind: 'robustness' | 'contract') => s.tasks.filter((task) => (task.result?.remainingByKind[kind] ?? 0) > 0).length;
  return [
    '## Tasks by verdict',
    '',
    ...table(
      ['verdict', 'tasks'],
      [
        ['secure', t.secure],
        ['vulnerable', t.vulnerable],
        ['could not verify', t.couldNotVerify],
        ['failed (run error)', t.failed],
        ['cancelled', t.cancelled],
        ...(t.unfunded > 0 ? [['not started: budget spent', t.unfunded] as [string, number]] : []),
        ['not started', s.total - t.started - t.unfunded],
      ],
    ),
    '',
    `Beside the verdicts: ${withKind('robustness')} task(s) with robustness issues (crashes, hangs or kills on inputs within the parameter types), ${withKind('contract')} with failures outside them (contract failures, no weakness).`,
    '',
  ];
}

/** What the analysers and the first fuzzing pass found, by CWE and by kind of event. */
function findingsSection(t: BatchTotals): string[] {
  const cwes = [...new Set([...Object.keys(t.findingsBefore), ...Object.keys(t.findingsAfter)])].sort(
    (a, b) => (t.findingsBefore[b] ?? 0) - (t.findingsBefore[a] ?? 0) || a.localeCompare(b),
  );
  const events = Object.entries(t.fuzzEvents).sort((a, b) => b[1] - a[1]);
  return [
    '## Findings by CWE',
    '',
    cwes.length === 0
      ? 'None.'
      : table(
          ['CWE', 'before', 'after'],
          cwes.map((c) => [c, t.findingsBefore[c] ?? 0, t.findingsAfter[c] ?? 0]),
        ).join('\n'),
    '',
    '## Fuzz events by kind (first fuzzing pass)',
    '',
    events.length === 0 ? 'None.' : table(['kind: cause', 'failing inputs'], events).join('\n'),
    '',
  ];
}

/** Tasks that ended without a result, and input lines that never became tasks. */
function missingSection(s: SummaryInput): string[] {
  const out: string[] = [];
  const failed = s.tasks.filter((task) => task.result === null);
  if (failed.length > 0 || s.totals.failures.length > 0) {
    out.push('## Tasks without a result', '');
    const seen = new Set<string>();
    for (const task of failed) {
      seen.add(task.id);
      out.push(`- \`${task.id}\` (${task.status}): ${task.error ?? 'no result'}`);
    }
    for (const f of s.totals.failures) if (!seen.has(f.id)) out.push(`- \`${f.id}\`: ${f.error}`);
    out.push('');
  }
  if (s.skipped.length > 0) {
    out.push('## Input lines skipped', '');
    for (const k of s.skipped) out.push(`- line ${k.line}: ${k.reason}`);
    out.push('');
  }
  return out;
}

export function batchMarkdown(s: SummaryInput): string {
  const t = s.totals;
  const f = t.functional;
  const rate = (n: number) => `${n}/${f.tasks} (${((100 * n) / f.tasks).toFixed(1)}%)`;
  const behaviour =
    f.tasks > 0
      ? [
          '## Behaviour tests',
          '',
          `Tasks whose behaviour tests all pass: ${rate(f.passedBefore)} with the first code, ${rate(f.passedAfter)} with the final code (a repair that breaks a passing test is refused).`,
          '',
        ]
      : [];
  const priced = s.tasks.some((task) => task.result?.spend.costUsd != null);
  return [
    `# Batch ${s.batchId}`,
    '',
    `Status: **${s.status}**. ${t.done} of ${s.total} tasks closed in ${(s.elapsedMs / 1000).toFixed(0)} s.`,
    '',
    ...verdictSection(s),
    ...behaviour,
    ...findingsSection(t),
    '## Model spend',
    '',
    ...spendLines(t, s.budget, priced),
    '',
    ...missingSection(s),
  ].join('\n');
}
