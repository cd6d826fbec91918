import type { Budget, CallLimit, Price, TokenUsage } from '../common/schemas/index.js';

const tokensOf = (usage: TokenUsage) => usage.prompt + usage.completion;
/** 12345 as "12,345" (workflow code: no Intl). */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A budget in words: "10,000 tokens and 20 model calls". */
export function describeBudget(budget: Budget): string {
  const parts = [
    budget.maxTokens !== null ? `${grouped(budget.maxTokens)} tokens` : null,
    budget.maxLlmCalls !== null ? `${budget.maxLlmCalls} model calls` : null,
  ];
  return parts.filter((p) => p !== null).join(' and ') || 'no limit';
}

/** What the usage costs at the price (US dollars), or null without a price. */
export function costOf(usage: TokenUsage, price: Price | null): number | null {
  if (!price) return null;
  // Whole micro-dollars: sums of many runs stay exact enough to print.
  return Math.round(usage.prompt * price.inputPerMTok + usage.completion * price.outputPerMTok) / 1e6;
}

/**
 * What a run may still spend on the model. Every agent call asks it first: a call starts only
 * while both ceilings have room, and its re-asks stop at what is left (so calls are never
 * exceeded; tokens by at most the last answer, whose size is known only once it is written).
 */
export class SpendMeter {
  readonly usage: TokenUsage = { prompt: 0, completion: 0 };
  calls = 0;
  /** Why the model may not be called any more, once that is so. */
  stoppedBy: string | null = null;

  constructor(readonly budget: Budget | null) {}

  add(spent: { calls: number; usage: TokenUsage }): void {
    this.calls += spent.calls;
    this.usage.prompt += spent.usage.prompt;
    this.usage.completion += spent.usage.completion;
  }

  /** What the next agent call may spend; undefined without a budget; null when nothing is left. */
  next(): CallLimit | undefined | null {
    if (!this.budget) return undefined;
    const calls = this.budget.maxLlmCalls !== null ? this.budget.maxLlmCalls - this.calls : null;
    const tokens = this.budget.maxTokens !== null ? this.budget.maxTokens - tokensOf(this.usage) : null;
    if ((calls !== null && calls <= 0) || (tokens !== null && tokens <= 0)) {
      this.stoppedBy ??= `the model budget (${describeBudget(this.budget)}) was spent: ${this.calls} calls, ${grouped(tokensOf(this.usage))} tokens`;
      return null;
    }
    return { calls, tokens };
  }
}
