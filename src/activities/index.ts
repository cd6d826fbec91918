/** The activity groups, one per task queue; workflows import these types only. */
export { createAnalysisActivities, type AnalysisActivities } from './analysis/index.js';
export { createLlmActivities, createLlmClient, type LlmActivities } from './llm/index.js';
export { createSandboxActivities, type SandboxActivities } from './sandbox/index.js';
