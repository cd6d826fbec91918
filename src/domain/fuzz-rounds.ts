import type { FuzzCase, FuzzRounds } from '../common/sandbox.js';
import { ATTACK_STRINGS, deriveInputs } from './mutate.js';

/**
 * Coverage-guided rounds: each derives three in four of its inputs from the favoured inputs of
 * the rounds before, the smallest to reach each line (AFL's favoured inputs: a huge input that
 * happens to reach many lines at once does not stand in for the small steps towards them).
 * Pure and deterministic, so the sandbox worker that runs a pass and the workflow that reads its
 * result derive the very same inputs from the plan and the lines each input reached.
 */
export class GuidedRounds {
  /** Every input derived so far, in order. */
  readonly cases: FuzzCase[] = [];
  private round = 0;
  private stopped = false;
  private readonly favoured = new Map<number, { input: FuzzCase; size: number }>();

  constructor(private readonly plan: FuzzRounds) {}

  /** The next round's inputs (the first round leads with the seeds); null once the rounds are spent or stopped. */
  next(): FuzzCase[] | null {
    const { seeds, mutations, seed, rounds, maxChars, mutable, attackStrings } = this.plan;
    if (this.stopped || this.round >= rounds) return null;
    const round = this.round++;
    const count = Math.round((mutations * (round + 1)) / rounds) - Math.round((mutations * round) / rounds);
    const parents = [...new Set([...this.favoured.entries()].sort(([a], [b]) => a - b).map(([, f]) => f.input))];
    const derived = deriveInputs(seeds, count, seed + round, {
      maxChars,
      mutable,
      strings: attackStrings ? ATTACK_STRINGS : undefined,
      parents,
      existing: this.cases,
    });
    const batch = round === 0 ? [...seeds, ...derived] : derived;
    if (batch.length === 0) {
      this.stopped = true;
      return null;
    }
    this.cases.push(...batch);
    return batch;
  }

  /** The lines each input of the round reached, which steer the next; `stop` ends the rounds. */
  record(batch: FuzzCase[], reached: Record<string, number[]>, stop: boolean): void {
    for (const c of batch) {
      const size = JSON.stringify(c.args).length;
      for (const line of reached[c.id] ?? []) {
        const known = this.favoured.get(line);
        if (!known || size < known.size) this.favoured.set(line, { input: c, size });
      }
    }
    if (stop) this.stopped = true;
  }
}

/** The lines each input reached, by id, from the sandbox's outcomes (those run without coverage have none). */
export function reachedLines(outcomes: readonly { id: string; outcome: { lines?: number[] | undefined } }[]): Record<string, number[]> {
  return Object.fromEntries(outcomes.flatMap((o) => (o.outcome.lines ? [[o.id, o.outcome.lines]] : [])));
}

/** A short digest of a round's inputs (FNV-1a over their JSON), to check two workers derived the same. */
export function digestCases(cases: FuzzCase[]): string {
  const text = JSON.stringify(cases);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${cases.length}:${hash.toString(16).padStart(8, '0')}`;
}

/**
 * Groups of at most `batchSize` inputs, even in size (153 at 50 a group: 4 of 39, not 3 of 50
 * and one of 3), each split again while it holds more than `maxChars` of JSON, so that every
 * group fits its message.
 */
export function splitBatches(cases: FuzzCase[], batchSize: number, maxChars: number): FuzzCase[][] {
  const count = Math.ceil(cases.length / batchSize);
  const size = Math.ceil(cases.length / count);
  const even: FuzzCase[][] = [];
  for (let i = 0; i < cases.length; i += size) even.push(cases.slice(i, i + size));
  const split: FuzzCase[][] = [];
  for (const batch of even) {
    let current: FuzzCase[] = [];
    let used = 0;
    for (const c of batch) {
      const n = JSON.stringify(c.args).length;
      if (current.length > 0 && used + n > maxChars) {
        split.push(current);
        current = [];
        used = 0;
      }
      current.push(c);
      used += n;
    }
    if (current.length > 0) split.push(current);
  }
  return split;
}
