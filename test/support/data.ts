import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** A dataset of ../shared/data (see its SOURCE.md), one JSON object a line; `variable` moves it. */
function dataset<T extends z.ZodType>(name: string, variable: string, schema: T): () => z.infer<T>[] {
  const path = process.env[variable] ?? fileURLToPath(new URL(`../../../../shared/data/${name}/dataset.jsonl`, import.meta.url));
  return () => {
    if (!existsSync(path))
      throw new Error(`the ${name} dataset is not at ${path}: check out shared/ beside the project, or set ${variable}`);
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line): z.infer<T> => schema.parse(JSON.parse(line)));
  };
}

const SallmTaskSchema = z.object({ id: z.string(), prompt: z.string(), insecure_code: z.string() });
export type SallmTask = z.infer<typeof SallmTaskSchema>;

/** SALLM: insecure security tasks. */
export const sallmTasks = dataset('sallm', 'ASC_SALLM', SallmTaskSchema);

export function sallmTask(id: string): SallmTask {
  const task = sallmTasks().find((t) => t.id === id);
  if (!task) throw new Error(`no SALLM task ${id}`);
  return task;
}

const HumanEvalTaskSchema = z.object({
  task_id: z.string(),
  prompt: z.string(),
  canonical_solution: z.string(),
  entry_point: z.string(),
  test: z.string(),
});
export type HumanEvalTask = z.infer<typeof HumanEvalTaskSchema>;

/** HumanEval: benign code with tests, for false alarms. */
export const humanEvalTasks = dataset('humaneval', 'ASC_HUMANEVAL', HumanEvalTaskSchema);
