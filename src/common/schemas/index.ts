/**
 * Every workflow and activity boundary's schema, one module per boundary; the types are inferred
 * from them. The sandbox protocol (what crosses into the container) is ../sandbox.ts.
 */
export * from './approvals.js';
export * from './batch.js';
export * from './budget.js';
export * from './findings.js';
export * from './fuzz-target.js';
export * from './inspection.js';
export * from './llm.js';
export * from './request.js';
export * from './result.js';
export * from './tests.js';
