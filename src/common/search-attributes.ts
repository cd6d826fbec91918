import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes every run carries, so that "all runs where CWE-78 remained" is one
 * filter in the Temporal UI: AscCwesRemaining = 'CWE-78'. The server must know them: the dev
 * server is started with devServerFlags(), a production namespace registers them once.
 */
export const SEARCH_ATTRIBUTES = {
  verdict: defineSearchAttributeKey('AscVerdict', SearchAttributeType.KEYWORD),
  cwesFound: defineSearchAttributeKey('AscCwesFound', SearchAttributeType.KEYWORD_LIST),
  cwesRemaining: defineSearchAttributeKey('AscCwesRemaining', SearchAttributeType.KEYWORD_LIST),
  roundsUsed: defineSearchAttributeKey('AscRoundsUsed', SearchAttributeType.INT),
  model: defineSearchAttributeKey('AscModel', SearchAttributeType.KEYWORD),
};

export const ALL_SEARCH_ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);

const CLI_TYPES: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', INT: 'Int' };

/** `--search-attribute NAME=TYPE` flags for `temporal server start-dev`. */
export function devServerFlags(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPES[key.type] ?? key.type}`]);
}
