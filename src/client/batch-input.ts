import { z } from 'zod';
import { BatchTaskSchema, type BatchTask, type SkippedLine } from '../common/batch-schemas.js';

/**
 * Reads a batch file: JSON Lines in the SALLM (`id`, `prompt`, `insecure_code`), SecurityEval
 * (`ID`, `Prompt`, `Insecure_code`) or plain (`{id, prompt}` / `{id, code}`) shape. A bad line
 * is reported with its number and skipped; duplicate ids refuse the whole file, since ids name
 * the runs and their results.
 */

/** `prompt`: the Coding agent writes the code; `code`: the given (insecure) code is hardened or audited. */
export type TaskSource = 'prompt' | 'code';

const LineSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    ID: z.union([z.string(), z.number()]).optional(),
    prompt: z.string().optional(),
    Prompt: z.string().optional(),
    code: z.string().optional(),
    insecure_code: z.string().optional(),
    Insecure_code: z.string().optional(),
  })
  .loose();

export interface BatchFile {
  tasks: BatchTask[];
  skipped: SkippedLine[];
}

export class DuplicateIdsError extends Error {}

function nonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim().length > 0);
}

function taskFromLine(text: string, source: TaskSource): BatchTask | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const parsed = LineSchema.safeParse(json);
  if (!parsed.success) return `not a task object: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'} ${i.message}`).join('; ')}`;
  const line = parsed.data;
  const rawId = line.id ?? line.ID;
  if (rawId === undefined || String(rawId).trim() === '') return 'no id (give "id" or "ID")';
  const id = String(rawId).trim();
  const prompt = nonEmpty(line.prompt, line.Prompt);
  const code = nonEmpty(line.code, line.insecure_code, line.Insecure_code);
  let task: unknown;
  if (source === 'code') {
    if (code === undefined) return `task ${id} has no code to analyse (give "code", "insecure_code" or "Insecure_code"), or drop --audit/--use-code to generate from the prompt`;
    task = { id, code };
  } else if (prompt !== undefined) task = { id, prompt };
  else if (code !== undefined) task = { id, code };
  else return `task ${id} has neither a prompt ("prompt"/"Prompt") nor code ("code")`;
  const checked = BatchTaskSchema.safeParse(task);
  return checked.success ? checked.data : `task ${id}: ${checked.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
}

export function parseBatchFile(text: string, source: TaskSource): BatchFile {
  const tasks: BatchTask[] = [];
  const skipped: SkippedLine[] = [];
  const lineOf = new Map<string, number[]>();
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    const task = taskFromLine(raw, source);
    if (typeof task === 'string') {
      skipped.push({ line, reason: task });
      return;
    }
    lineOf.set(task.id, [...(lineOf.get(task.id) ?? []), line]);
    tasks.push(task);
  });
  const duplicates = [...lineOf].filter(([, lines]) => lines.length > 1);
  if (duplicates.length > 0) {
    const shown = duplicates.slice(0, 10).map(([id, lines]) => `${id} (lines ${lines.join(', ')})`);
    throw new DuplicateIdsError(`duplicate task ids: ${shown.join('; ')}${duplicates.length > 10 ? `; and ${duplicates.length - 10} more` : ''}: ids name the runs and their results, make them unique`);
  }
  return { tasks, skipped };
}
