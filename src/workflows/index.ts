/** The workflow bundle's entry: every workflow type the workflows worker runs. */
export { hardenWorkflow, progressQuery } from './harden.js';
export { batchTaskWorkflow, batchWorkflow, batchProgressQuery } from './batch.js';
