import { z } from 'zod';
import { BatchTaskSchema, type BatchTask, type SkippedLine } from '../common/schemas/index.js';
import { behaviourTests } from './tests-input.js';

/**
 * Reads a batch file: JSON Lines in the SALLM (`id`, `prompt`, `insecure_code`), SecurityEval
 * (`ID`, `Prompt`, `Insecure_code`), HumanEval (`task_id`, `prompt`, `test`, `entry_point`) or
 * plain (`{id, prompt}` / `{id, code}`, with `tests` optional) shape. A bad line
 * is reported with its number and skipped; duplicate ids refuse the whole file, since ids name
 * the runs and their results.
 */

/** `prompt`: the Coding agent writes the code; `code`: the given (insecure) code is hardened or audited. */
export type TaskSource = 'prompt' | 'code';

const LineSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    ID: z.union([z.string(), z.number()]).optional(),
    task_id: z.string().optional(),
    /** HumanEval's check(candidate), with the function it is called with. */
    test: z.string().optional(),
    entry_point: z.string().optional(),
    /** Test functions, or "doctest". */
    tests: z.string().optional(),
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
  if (!parsed.success)
    return `not a task object: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'} ${i.message}`).join('; ')}`;
  const line = parsed.data;
  const rawId = line.id ?? line.ID ?? line.task_id;
  if (rawId === undefined || String(rawId).trim() === '') return 'no id (give "id", "ID" or "task_id")';
  const id = String(rawId).trim();
  const prompt = nonEmpty(line.prompt, line.Prompt);
  const code = nonEmpty(line.code, line.insecure_code, line.Insecure_code);
  let given: { prompt: string } | { code: string };
  if (source === 'code') {
    if (code === undefined)
      return `task ${id} has no code to analyse (give "code", "insecure_code" or "Insecure_code"), or drop --audit/--use-code to generate from the prompt`;
    given = { code };
  } else if (prompt !== undefined) given = { prompt };
  else if (code !== undefined) given = { code };
  else return `task ${id} has neither a prompt ("prompt"/"Prompt") nor code ("code")`;
  const testsSource = nonEmpty(line.tests, line.test);
  const tests =
    testsSource === undefined ? {} : { tests: behaviourTests(testsSource, line.entry_point, 'code' in given ? given.code : given.prompt) };
  const checked = BatchTaskSchema.safeParse({ id, ...given, ...tests });
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
    throw new DuplicateIdsError(
      `duplicate task ids: ${shown.join('; ')}${duplicates.length > 10 ? `; and ${duplicates.length - 10} more` : ''}: ids name the runs and their results, make them unique`,
    );
  }
  return { tasks, skipped };
}
