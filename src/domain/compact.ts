import type { FuzzValue } from '../common/fuzz-value.js';
import type { FuzzCase, FuzzOutcome } from '../common/sandbox.js';
import { FINDING_KINDS, type FailureGroup, type FailureSummary, type FuzzFailure } from '../common/schemas/index.js';
import { failureCwes, failureKinds } from './findings.js';

/**
 * What a result keeps of a list of failing inputs, so that it fits in a Temporal payload
 * whatever the target does: a sample in which every kind of failure appears, each input cut to
 * a readable size (with the size and a hash of what it was), and counts of all of them.
 */

/** Failing inputs kept per list; the counts cover the rest. */
const KEPT = 40;
const MAX_TEXT = 500;
const MAX_EVENTS = 5;
const MAX_STRING = 200;
const MAX_ITEMS = 8;
const MAX_DEPTH = 4;

/** FNV-1a (32 bits): names a value that was cut, so two reports can tell whether they saw the same. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function cut(value: FuzzValue, depth: number): FuzzValue {
  switch (value.type) {
    case 'str':
      return value.value.length > MAX_STRING ? { type: 'str', value: `${value.value.slice(0, MAX_STRING)}…` } : value;
    case 'bytes':
      return value.hex.length > MAX_STRING ? { type: 'bytes', hex: value.hex.slice(0, MAX_STRING) } : value;
    case 'int':
      return value.value.length > MAX_STRING ? { type: 'int', value: value.value.slice(0, MAX_STRING) } : value;
    case 'list':
      return { type: 'list', items: depth >= MAX_DEPTH ? [] : value.items.slice(0, MAX_ITEMS).map((v) => cut(v, depth + 1)) };
    case 'dict':
      return {
        type: 'dict',
        entries:
          depth >= MAX_DEPTH
            ? []
            : value.entries.slice(0, MAX_ITEMS).map((e) => ({ key: e.key.slice(0, MAX_STRING), value: cut(e.value, depth + 1) })),
      };
    default:
      return value;
  }
}

function compactInput(input: FuzzCase): Pick<FuzzFailure, 'input' | 'inputTruncated'> {
  const args = input.args.map((a) => cut(a, 0));
  const full = JSON.stringify(input.args);
  if (JSON.stringify(args) === full) return { input };
  return { input: { id: input.id, args }, inputTruncated: { chars: full.length, fnv1a: fnv1a(full) } };
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

function compactOutcome(outcome: FuzzOutcome): FuzzOutcome {
  const events = outcome.events.slice(0, MAX_EVENTS).map((e) => ({ ...e, detail: clip(e.detail) }));
  const output = outcome.output ? { ...outcome.output, head: clip(outcome.output.head) } : undefined;
  const extras = { events, ...(output ? { output } : {}) };
  switch (outcome.status) {
    case 'ok':
      return { ...outcome, ...extras, returned: clip(outcome.returned) };
    case 'rejected':
    case 'exception':
      return { ...outcome, ...extras, message: clip(outcome.message) };
    case 'not-run':
      return { ...outcome, ...extras, reason: clip(outcome.reason) };
    default:
      return { ...outcome, ...extras };
  }
}

/** The groups a failing input belongs to: one per security event, else one for its crash. */
function groupKeys(f: FuzzFailure): Omit<FailureGroup, 'inputs' | 'examples'>[] {
  const o = f.outcome;
  const line = o.status === 'exception' ? o.line : null;
  const cwes = failureCwes(o);
  return failureKinds(o).map((label, i) => ({ kind: f.kind, cwe: cwes[i] ?? cwes[0] ?? 'CWE-248', label: label.slice(0, 300), line }));
}

const MAX_GROUPS = 100;
const EXAMPLES = 5;

/**
 * All the failing inputs: how many, by kind (an input with two security events counts under
 * both), by finding kind, and grouped by weakness and place (kind, CWE, cause and line).
 */
export function summariseFailures(failures: FuzzFailure[]): FailureSummary {
  const byKind: Record<string, number> = {};
  const byFindingKind: Record<string, number> = {};
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    byFindingKind[f.kind] = (byFindingKind[f.kind] ?? 0) + 1;
    for (const kind of failureKinds(f.outcome)) byKind[kind] = (byKind[kind] ?? 0) + 1;
    for (const key of groupKeys(f)) {
      const id = JSON.stringify(key);
      const group = groups.get(id) ?? { ...key, inputs: 0, examples: [] };
      group.inputs++;
      if (group.examples.length < EXAMPLES) group.examples.push(f.input.id);
      groups.set(id, group);
    }
  }
  const ranked = [...groups.values()].sort((a, b) => FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) || b.inputs - a.inputs);
  return { inputs: failures.length, byKind, byFindingKind, groups: ranked.slice(0, MAX_GROUPS) };
}

/** Up to KEPT failing inputs, taken in turn from each group so every weakness shows, each compacted. */
export function keptFailures(failures: FuzzFailure[]): FuzzFailure[] {
  const byGroup = new Map<string, FuzzFailure[]>();
  for (const f of failures) {
    const key = JSON.stringify(groupKeys(f)[0] ?? null);
    byGroup.set(key, [...(byGroup.get(key) ?? []), f]);
  }
  const kept = new Set<FuzzFailure>();
  for (let round = 0; kept.size < Math.min(KEPT, failures.length); round++) {
    for (const list of byGroup.values()) {
      const next = list[round];
      if (next && kept.size < KEPT) kept.add(next);
    }
  }
  // In their original order, so the first failing input is still first.
  return failures.filter((f) => kept.has(f)).map((f) => ({ ...f, ...compactInput(f.input), outcome: compactOutcome(f.outcome) }));
}
