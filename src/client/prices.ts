import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../common/zod-error.js';
import { PriceSchema, type Price } from '../common/schemas/index.js';

/**
 * What a model's tokens cost, in US dollars per million input and output tokens. The built-in
 * table holds OpenAI's list prices as published in 2025; ASC_PRICES names a JSON file of the
 * same shape whose entries add to it or replace it (a negotiated rate, an Azure deployment
 * name, a local model at 0).
 */
const BUILT_IN: Record<string, Price> = {
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
};

export const PriceTableSchema = z.record(z.string().min(1), PriceSchema);

/** The price table: the built-in one with the file's entries over it. Errors name the file and the entry at fault. */
export function priceTable(file: string | undefined): Record<string, Price> {
  if (file === undefined) return BUILT_IN;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `ASC_PRICES ${file}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)}); expected {"model": {"inputPerMTok": 2.5, "outputPerMTok": 10}}`,
    );
  }
  const parsed = PriceTableSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${describeZodError(`ASC_PRICES ${file}`, parsed.error)}; expected {"model": {"inputPerMTok": 2.5, "outputPerMTok": 10}} in US dollars per million tokens`,
    );
  return { ...BUILT_IN, ...parsed.data };
}

/**
 * The model's price: its own entry, or the entry of the longest name it extends with a dated
 * or variant suffix ("gpt-4o-2024-08-06" is priced as "gpt-4o"); null when the table has none.
 */
export function priceOf(model: string, table: Record<string, Price>): Price | null {
  const exact = table[model];
  if (exact) return exact;
  const base = Object.keys(table)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base !== undefined ? (table[base] ?? null) : null;
}
