import { condition, defineUpdate, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { APPROVE_UPDATE, REJECT_UPDATE } from '../common/queues.js';
import { describeDecision } from '../common/approvals.js';
import {
  ApproveInputSchema,
  RejectInputSchema,
  type ApprovalDecision,
  type ApprovalSettings,
  type ApproveInput,
  type RejectInput,
} from '../common/schemas/index.js';
import { describeZodError } from '../common/zod-error.js';
import type { Ledger } from './ledger.js';

export const approveUpdate = defineUpdate<ApprovalDecision, [ApproveInput]>(APPROVE_UPDATE);
export const rejectUpdate = defineUpdate<ApprovalDecision, [RejectInput]>(REJECT_UPDATE);

interface Answer {
  decision: 'approved' | 'rejected';
  by: string;
  reason: string | null;
}

/**
 * A person's control over what ships. The run asks (the final code, or each repair), shows what
 * it waits for in its progress and in the UI, and waits durably (a worker crash changes nothing)
 * for the `approve` or `reject` update, or until the timeout, which counts as not approved. The
 * updates are refused while nothing waits, and a rejection without a reason is refused.
 */
export class Approvals {
  readonly decisions: ApprovalDecision[] = [];
  private waiting: { answer: Answer | null; label: string } | null = null;

  constructor(
    readonly settings: ApprovalSettings,
    private readonly ledger: Ledger,
  ) {
    setHandler(approveUpdate, (input) => this.decide({ decision: 'approved', by: input.by.trim(), reason: input.reason?.trim() || null }), {
      validator: (input) => this.validate(ApproveInputSchema, input, 'approve'),
    });
    setHandler(rejectUpdate, (input) => this.decide({ decision: 'rejected', by: input.by.trim(), reason: input.reason.trim() }), {
      validator: (input) => this.validate(RejectInputSchema, input, 'reject'),
    });
  }

  /** The mode asks about each repair. */
  get eachRepair(): boolean {
    return this.settings.mode === 'each-repair';
  }

  /** The mode asks about the final code. */
  get final(): boolean {
    return this.settings.mode === 'final';
  }

  private validate(schema: typeof ApproveInputSchema | typeof RejectInputSchema, input: unknown, what: string): void {
    const id = workflowInfo().workflowId;
    if (this.waiting === null || this.waiting.answer !== null) {
      throw new Error(
        this.settings.mode === 'none'
          ? `run ${id} does not wait for approvals (it was started without --approval)`
          : `run ${id} is not waiting for approval now; asc status ${id} says what it is doing`,
      );
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new Error(describeZodError(`the ${what} update`, parsed.error));
  }

  /** Hands the answer to the waiting run; the update returns the decision once the run has recorded it. */
  private async decide(answer: Answer): Promise<ApprovalDecision> {
    const count = this.decisions.length;
    if (this.waiting) this.waiting.answer = answer;
    await condition(() => this.decisions.length > count);
    const last = this.decisions.at(-1);
    if (!last) throw new Error('no decision was recorded');
    return last;
  }

  /** Waits for a person's decision on `candidate` (replacing `code`); the outcome is recorded in the audit trail. */
  async ask(subject: ApprovalDecision['subject'], label: string, code: string, candidate: string): Promise<ApprovalDecision> {
    const { progress } = this.ledger;
    const phase = progress.phase;
    const askedAtMs = Date.now();
    const waiting = { answer: null as Answer | null, label };
    this.waiting = waiting;
    progress.phase = 'awaiting-approval';
    progress.awaiting = { label, sinceMs: askedAtMs, code, candidate };
    const id = workflowInfo().workflowId;
    setCurrentDetails(
      `**waiting for approval** of ${label} · asc approve ${id} · asc reject ${id} --reason "…"${this.settings.timeoutMs !== null ? ` · not accepted if no one decides within ${describeDuration(this.settings.timeoutMs)}` : ''}`,
    );
    const answered =
      this.settings.timeoutMs === null
        ? (await condition(() => waiting.answer !== null), true)
        : await condition(() => waiting.answer !== null, this.settings.timeoutMs);
    const answer: Answer | null = answered ? waiting.answer : null;
    const decision: ApprovalDecision = answer
      ? { subject, label, ...answer, askedAtMs, decidedAtMs: Date.now() }
      : {
          subject,
          label,
          decision: 'timed-out',
          by: null,
          reason: `no one decided within ${describeDuration(this.settings.timeoutMs ?? 0)}`,
          askedAtMs,
          decidedAtMs: Date.now(),
        };
    this.waiting = null;
    progress.phase = phase;
    progress.awaiting = null;
    this.decisions.push(decision);
    this.ledger.record('person', `approval of ${label}`, describeDecision(decision), decision.decidedAtMs - askedAtMs);
    return decision;
  }
}

function describeDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 1 && Number.isInteger(hours)) return `${hours} h`;
  const minutes = ms / 60_000;
  return Number.isInteger(minutes) ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}
