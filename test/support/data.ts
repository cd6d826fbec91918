import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The SALLM dataset in ../shared/data (see its SOURCE.md). */
export const SALLM_PATH = process.env.ASC_SALLM ?? fileURLToPath(new URL('../../../../shared/data/sallm/dataset.jsonl', import.meta.url));

const SallmTaskSchema = z.object({ id: z.string(), prompt: z.string(), insecure_code: z.string() });
export type SallmTask = z.infer<typeof SallmTaskSchema>;

export function sallmTasks(): SallmTask[] {
  if (!existsSync(SALLM_PATH)) throw new Error(`the SALLM dataset is not at ${SALLM_PATH}: check out shared/ beside the project, or set ASC_SALLM`);
  return readFileSync(SALLM_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => SallmTaskSchema.parse(JSON.parse(line)));
}

export function sallmTask(id: string): SallmTask {
  const task = sallmTasks().find((t) => t.id === id);
  if (!task) throw new Error(`no SALLM task ${id}`);
  return task;
}
