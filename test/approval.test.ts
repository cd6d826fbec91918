import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { answerApproval, startHarden } from '../src/client/client.js';
import { REJECT_UPDATE } from '../src/common/queues.js';
import { HardenResultSchema, type HardenRequestInput } from '../src/common/schemas/index.js';
import { awaitingApproval } from './support/approval.js';
import { runCli } from './support/cli.js';
import { answer, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { AVERAGE_FRAGILE, LIST_INSECURE, LIST_SECURE, LIST_TASK, securityAwareModel } from './support/scenarios.js';
import { scriptedSuite } from './support/stack.js';

/** A person approves what ships: the run waits, visibly and durably, for `approve` or `reject`. */

/** Repairs from a reviewer's reason when there is one. */
function reviewedModel(req: ChatRequest): Reply {
  if (req.agent === 'coding' && req.user.includes('refused by its reviewer')) return answer.code(`${LIST_SECURE}# reviewed\n`);
  return securityAwareModel(req);
}

describe('approval gate', () => {
  const suite = scriptedSuite(reviewedModel);
  const client = () => suite.stack.testEnv.client;
  const env = () => ({ TEMPORAL_ADDRESS: suite.stack.testEnv.address, TEMPORAL_NAMESPACE: suite.stack.testEnv.namespace ?? 'default' });
  const listTask = (approval: HardenRequestInput['approval']): HardenRequestInput => ({
    prompt: LIST_TASK,
    source: 'list_directory.py',
    llm: { model: 'scripted' },
    fuzz: { mutations: 20 },
    approval,
  });

  it('final: the run waits, asc status shows the change, asc approve accepts it and the trail says who', async () => {
    const id = 'approval-final-approve';
    await startHarden(client(), listTask({ mode: 'final', timeoutMs: null }), id);
    const awaiting = await awaitingApproval(client(), id);
    assert.equal(awaiting.label, 'the final code');
    assert.equal(awaiting.code, LIST_INSECURE);
    assert.equal(awaiting.candidate, LIST_SECURE);
    const status = await runCli(['status', id], env());
    assert.match(status.stdout, /waiting for approval of the final code since .*: asc approve approval-final-approve/);
    assert.match(status.stdout, /^ {4}-\s+return subprocess\.check_output\("ls " \+ path, shell=True\)\.decode\(\)$/m);
    assert.match(status.stdout, /phase: awaiting-approval/);
    const approved = await runCli(['approve', id, '--by', 'alice', '--reason', 'reviewed the diff'], env());
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /the final code: approved by alice: reviewed the diff/);
    const result = HardenResultSchema.parse(await client().workflow.getHandle(id).result());
    assert.equal(result.accepted, true);
    assert.deepEqual(
      result.approvals.map((d) => [d.subject, d.decision, d.by, d.reason]),
      [['final', 'approved', 'alice', 'reviewed the diff']],
    );
    assert.ok(result.reasons.includes('approval: the final code: approved by alice: reviewed the diff'), result.reasons.join('; '));
    const step = result.steps.find((s) => s.agent === 'person');
    assert.equal(step?.summary, 'the final code: approved by alice: reviewed the diff');
    // Nothing waits any more: a late answer is refused, naming why.
    const late = await runCli(['approve', id, '--by', 'carol'], env());
    assert.equal(late.code, 2);
    assert.match(late.stderr, /approve refused: .*(completed|not waiting)/i);
  });

  it('final: a rejection needs a reason; with one the final code is not accepted and asc result exits 4', async () => {
    const id = 'approval-final-reject';
    await startHarden(client(), listTask({ mode: 'final', timeoutMs: null }), id);
    await awaitingApproval(client(), id);
    const bare = await runCli(['reject', id, '--by', 'bob'], env());
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /reject needs a reason/);
    // The run's own validator refuses an empty reason sent around the CLI.
    await assert.rejects(
      client()
        .workflow.getHandle(id)
        .executeUpdate(REJECT_UPDATE, { args: [{ by: 'bob', reason: '   ' }] }),
      (error: unknown) => {
        assert.ok(error instanceof WorkflowUpdateFailedError);
        assert.match(error.cause?.message ?? '', /reason: a reason is required to reject/);
        return true;
      },
    );
    const rejected = await runCli(['reject', id, '--by', 'bob', '--reason', 'no allowlist of directories'], env());
    assert.equal(rejected.code, 0, rejected.stderr);
    const result = HardenResultSchema.parse(await client().workflow.getHandle(id).result());
    assert.equal(result.accepted, false);
    assert.equal(result.approvals[0]?.decision, 'rejected');
    const report = await runCli(['result', id], env());
    assert.equal(report.code, 4);
    assert.match(report.stdout, /NOT ACCEPTED: the final code was not approved/);
    assert.match(
      report.stdout,
      /approval: the final code: rejected by bob: no allowlist of directories \(the final code is not to be shipped\)/,
    );
  });

  it('each-repair: a rejected repair goes back to the Coding agent with the reason; the next, approved, is applied', async () => {
    const id = 'approval-each-repair';
    await startHarden(client(), listTask({ mode: 'each-repair', timeoutMs: null }), id);
    const first = await awaitingApproval(client(), id);
    assert.equal(first.label, 'static round 1 repair');
    await answerApproval(client(), id, 'reject', { by: 'bob', reason: 'say in a comment that this was reviewed' });
    const second = await awaitingApproval(client(), id);
    assert.equal(second.label, 'static round 2 repair');
    assert.match(second.candidate, /# reviewed/);
    await answerApproval(client(), id, 'approve', { by: 'bob' });
    const result = HardenResultSchema.parse(await client().workflow.getHandle(id).result());
    assert.deepEqual(
      result.staticRounds.map((r) => [r.repaired, r.approval?.decision ?? null]),
      [
        [false, 'rejected'],
        [true, 'approved'],
        [false, null],
      ],
    );
    assert.match(result.finalCode, /# reviewed/);
    assert.equal(result.accepted, true, 'each-repair asks about repairs, not the final code');
    const told = suite.llm.requests.find((r) => r.agent === 'coding' && r.user.includes('refused by its reviewer'));
    assert.match(told?.user ?? '', /refused by its reviewer \(bob\): say in a comment that this was reviewed/);
  });

  it('a decision that does not come in time: the code is not accepted, and the result says so', async () => {
    const id = 'approval-timeout';
    await startHarden(
      client(),
      { code: AVERAGE_FRAGILE, source: 'average.py', llm: null, fuzz: { mutations: 20 }, approval: { mode: 'final', timeoutMs: 2_000 } },
      id,
    );
    const result = HardenResultSchema.parse(await client().workflow.getHandle(id).result());
    assert.equal(result.accepted, false);
    assert.deepEqual(
      result.approvals.map((d) => [d.decision, d.by, d.reason]),
      [['timed-out', null, 'no one decided within 2 s']],
    );
    assert.ok(result.approvals[0] && result.approvals[0].decidedAtMs - result.approvals[0].askedAtMs >= 2_000);
  });

  it('a run started without --approval refuses approve, saying why', async () => {
    const id = 'approval-none';
    suite.llm.script((req) => (req.agent === 'static-analyser' ? { delayMs: 3_000, content: answer.findings([]) } : reviewedModel(req)));
    await startHarden(client(), listTask(undefined), id);
    await new Promise((r) => setTimeout(r, 1_500));
    await assert.rejects(
      answerApproval(client(), id, 'approve', { by: 'alice' }),
      /approve refused: run approval-none does not wait for approvals \(it was started without --approval\)/,
    );
    await client().workflow.getHandle(id).result();
    suite.llm.script(reviewedModel);
  });

  it('asc batch --approval final: each task waits for its own decision; the batch closes once every one is made', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asc-approval-'));
    try {
      const file = join(dir, 'tasks.jsonl');
      await writeFile(file, ['first', 'second'].map((id) => JSON.stringify({ id, code: AVERAGE_FRAGILE })).join('\n'));
      const started = await runCli(
        ['batch', file, '--audit', '--mutations', '10', '--approval', 'final', '--id', 'approval-batch', '--no-wait'],
        env(),
      );
      assert.equal(started.code, 0, started.stderr);
      for (const task of ['first', 'second']) await awaitingApproval(client(), `approval-batch/${task}`);
      const approved = await runCli(['approve', 'approval-batch/first', '--by', 'alice'], env());
      assert.equal(approved.code, 0, approved.stderr);
      const rejected = await runCli(['reject', 'approval-batch/second', '--by', 'alice', '--reason', 'crashes on empty text'], env());
      assert.equal(rejected.code, 0, rejected.stderr);
      await client().workflow.getHandle('approval-batch').result();
      const first = HardenResultSchema.parse(await client().workflow.getHandle('approval-batch/first').result());
      const second = HardenResultSchema.parse(await client().workflow.getHandle('approval-batch/second').result());
      assert.deepEqual([first.accepted, second.accepted], [true, false]);
      assert.equal(second.approvals[0]?.reason, 'crashes on empty text');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bad approval flags are refused before anything starts', async () => {
    const timeoutOnly = await runCli(['harden', '--code-file', 'examples/compress_logs.py', '--approval-timeout', '72h'], env());
    assert.equal(timeoutOnly.code, 2);
    assert.match(timeoutOnly.stderr, /--approval-timeout needs --approval final or --approval each-repair/);
    const badMode = await runCli(['harden', '--code-file', 'examples/compress_logs.py', '--approval', 'sometimes'], env());
    assert.match(badMode.stderr, /--approval sometimes: expected one of final, each-repair/);
    const badTime = await runCli(
      ['harden', '--code-file', 'examples/compress_logs.py', '--approval', 'final', '--approval-timeout', '3 days'],
      env(),
    );
    assert.match(badTime.stderr, /--approval-timeout 3 days: expected a positive duration such as 90s, 30m, 72h or 7d/);
  });
});
