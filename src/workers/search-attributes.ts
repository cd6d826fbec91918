import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import proto, { type temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../common/search-attributes.js';

type OperatorService = Pick<Connection['operatorService'], 'listSearchAttributes' | 'addSearchAttributes'>;
type IndexedValueType = temporal.api.enums.v1.IndexedValueType;

// The package is CommonJS: its namespaces come through the default export.
const { IndexedValueType } = proto.temporal.api.enums.v1;

/** The server's type for each SDK search attribute type: a type added to the SDK fails to compile here. */
const INDEXED_VALUE_TYPES: Record<SearchAttributeType, IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the search attributes runs set, when the namespace lacks them (a fresh server, or
 * one whose database predates them): without them every run's last workflow task would fail.
 * Returns the names it added.
 */
export async function ensureSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, IndexedValueType> = {};
  for (const key of missing) {
    // Typed keys always map; the check guards a key whose type was cast from a string.
    const type = Object.hasOwn(INDEXED_VALUE_TYPES, key.type) ? INDEXED_VALUE_TYPES[key.type] : undefined;
    if (type === undefined) throw new Error(`search attribute ${key.name} has an unknown type ${key.type}`);
    searchAttributes[key.name] = type;
  }
  await operator.addSearchAttributes({ namespace, searchAttributes });
  return missing.map((key) => key.name);
}
