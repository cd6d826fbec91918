/** Task queues: one per kind of work, each served by its own worker so it scales on its own. */
export const TASK_QUEUES = {
  workflows: 'autosafecoder-workflows',
  llm: 'autosafecoder-llm',
  analysis: 'autosafecoder-analysis',
  sandbox: 'autosafecoder-sandbox',
} as const;

export type QueueKind = keyof typeof TASK_QUEUES;

export const WORKFLOW_TYPE = 'hardenWorkflow';
export const PROGRESS_QUERY = 'progress';
/** Updates a person answers a waiting run with (asc approve / asc reject, or the Temporal UI). */
export const APPROVE_UPDATE = 'approve';
export const REJECT_UPDATE = 'reject';
export const BATCH_WORKFLOW_TYPE = 'batchWorkflow';
export const BATCH_PROGRESS_QUERY = 'batchProgress';
