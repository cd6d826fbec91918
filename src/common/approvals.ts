import type { ApprovalDecision, ReviewerRejection } from './schemas/index.js';

/** One line for a decision, as the audit trail, the verdict reasons and the CLI show it. */
export function describeDecision(d: ApprovalDecision): string {
  if (d.decision === 'timed-out') return `${d.label}: not accepted, ${d.reason ?? 'timed out'}`;
  return `${d.label}: ${d.decision} by ${d.by ?? 'unknown'}${d.reason ? `: ${d.reason}` : ''}`;
}

/** What the Coding agent is told of a rejected (or unanswered) repair. */
export function reviewerRejection(d: ApprovalDecision): NonNullable<ReviewerRejection> {
  return d.decision === 'timed-out'
    ? { by: 'no one', reason: `${d.reason ?? 'the approval timed out'}; propose a smaller, clearer repair` }
    : { by: d.by ?? 'a reviewer', reason: d.reason ?? 'no reason given' };
}
