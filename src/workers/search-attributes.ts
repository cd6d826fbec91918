import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { ALL_SEARCH_ATTRIBUTES } from '../common/search-attributes.js';

type OperatorService = Pick<Connection['operatorService'], 'listSearchAttributes' | 'addSearchAttributes'>;

/**
 * Registers the search attributes runs set, when the namespace lacks them (a fresh server, or
 * one whose database predates them): without them every run's last workflow task would fail.
 * Returns the names it added.
 */
export async function ensureSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, number> = {};
  for (const key of missing) {
    const type = encodeSearchAttributeIndexedValueType(key.type);
    if (type === undefined) throw new Error(`search attribute ${key.name} has an unknown type ${key.type}`);
    searchAttributes[key.name] = type;
  }
  await operator.addSearchAttributes({ namespace, searchAttributes });
  return missing.map((key) => key.name);
}
