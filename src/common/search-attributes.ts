import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes every run carries, so that "all runs where CWE-78 remained" is one
 * filter in the Temporal UI: AscCwesRemaining = 'CWE-78'. The namespace must know them: the
 * workflows worker registers any that are missing when it starts (src/workers/search-attributes.ts).
 */
export const SEARCH_ATTRIBUTES = {
  verdict: defineSearchAttributeKey('AscVerdict', SearchAttributeType.KEYWORD),
  cwesFound: defineSearchAttributeKey('AscCwesFound', SearchAttributeType.KEYWORD_LIST),
  cwesRemaining: defineSearchAttributeKey('AscCwesRemaining', SearchAttributeType.KEYWORD_LIST),
  roundsUsed: defineSearchAttributeKey('AscRoundsUsed', SearchAttributeType.INT),
  model: defineSearchAttributeKey('AscModel', SearchAttributeType.KEYWORD),
  /** The batch a run belongs to, set when the batch starts it: `AscBatch = 'batch-…'` lists them. */
  batch: defineSearchAttributeKey('AscBatch', SearchAttributeType.KEYWORD),
  /** Tokens a run (or a whole batch) spent on the model: `AscTokens > 100000` finds the costly ones. */
  tokens: defineSearchAttributeKey('AscTokens', SearchAttributeType.INT),
  /** What those tokens cost in US dollars, from the user's price table; unset without a price. */
  costUsd: defineSearchAttributeKey('AscCostUsd', SearchAttributeType.DOUBLE),
};

export const ALL_SEARCH_ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);
