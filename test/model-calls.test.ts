import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startBatch } from '../src/client/batch.js';
import { resolveHardenRequest } from '../src/client/request.js';
import { BatchOutcomeSchema } from '../src/common/schemas/index.js';
import { SEARCH_ATTRIBUTES } from '../src/common/search-attributes.js';
import { runCli } from './support/cli.js';
import { likeRealModels, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { LIST_INSECURE, LIST_SECURE, LIST_TASK, securityAwareModel } from './support/scenarios.js';
import { scriptedSuite } from './support/stack.js';

/**
 * What the model is asked and what it may spend, through the real workflow: answers shaped like
 * real models', agents whose answers stay unusable, and budgets for a run and for a batch.
 */

const LIST_CODE = LIST_INSECURE;

describe('model calls: real answers, unusable agents, budgets', () => {
  const suite = scriptedSuite(securityAwareModel);
  const client = () => suite.stack.testEnv.client;
  const env = () => ({
    TEMPORAL_ADDRESS: suite.stack.testEnv.address,
    TEMPORAL_NAMESPACE: suite.stack.testEnv.namespace ?? 'default',
    OPENAI_BASE_URL: suite.llm.url,
    OPENAI_API_KEY: 'scripted',
  });

  it('answers shaped like real models (prose, several code blocks, commented JSON, a cut-off answer) harden as cleanly as tidy ones', async () => {
    suite.llm.script(likeRealModels(securityAwareModel));
    const before = suite.llm.requests.length;
    const result = await suite.harden(
      { prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'real-shaped' }, fuzz: { mutations: 20 } },
      'calls-real-shaped',
    );
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    assert.equal(result.initialCode, LIST_INSECURE, 'the module, not the usage example or the shell block');
    assert.equal(result.finalCode, LIST_SECURE);
    assert.equal(result.fuzz.target?.function, 'list_directory', "the Fuzzing agent's commented JSON was read");
    assert.deepEqual(result.caveats, []);
    assert.equal(result.spend.llmCalls, suite.llm.requests.length - before, 'every request counted, the cut-off ones too');
  });

  it('a Static Analyser and a Fuzzing agent whose answers stay unusable: the run goes on with the tools and signature seeds, and says so', async () => {
    suite.llm.script((req: ChatRequest): Reply => {
      if (req.agent === 'static-analyser') return 'Looks fine to me, {no issues}.';
      if (req.agent === 'fuzzing') return { content: null, refusal: 'I cannot produce attack inputs.' };
      return securityAwareModel(req);
    });
    const before = suite.llm.requests.length;
    const result = await suite.harden(
      { prompt: LIST_TASK, source: 'list_directory.py', llm: { model: 'm' }, fuzz: { mutations: 20 } },
      'calls-unusable-agents',
    );
    assert.equal(result.finalCode, LIST_SECURE, "the tools' findings alone drove the repair");
    assert.equal(result.fuzz.target?.function, 'list_directory', 'seeds from the signature');
    assert.equal(result.verdict, 'secure', result.reasons.join('; '));
    const review = result.caveats.find((c) => c.includes('Static Analyser agent'));
    assert.match(
      review ?? '',
      /unusable after 3 tries \(invalid JSON.*\); the run went on with the static tools' findings alone and asked that agent nothing more/,
    );
    assert.equal(result.caveats.filter((c) => c.includes('Static Analyser agent')).length, 1, 'asked once, not again in the next round');
    const seeds = result.caveats.find((c) => c.includes('Fuzzing agent'));
    assert.match(
      seeds ?? '',
      /refused to answer after 3 tries: "I cannot produce attack inputs\."; a model with a less restrictive policy may answer; the run went on with seeds from the function's signature/,
    );
    for (const caveat of result.caveats) assert.ok(result.reasons.includes(caveat), 'each caveat is a verdict reason');
    assert.ok(
      result.steps.some((s) => s.agent === 'fuzzing' && s.summary.endsWith("no usable answer, with seeds from the function's signature")),
    );
    assert.equal(result.spend.llmCalls, suite.llm.requests.length - before, 'the unusable answers were paid for and are counted');
  });

  it('a run budget: the run stops repairing when it is spent, still analyses its code, and says so; tokens and cost are searchable', async () => {
    suite.llm.script(securityAwareModel);
    const price = { inputPerMTok: 2.5, outputPerMTok: 10 };
    const id = 'calls-run-budget';
    // Two calls: the Coding agent writes the code, the Static Analyser agent reviews it; no repair is left.
    const result = await suite.harden(
      {
        prompt: LIST_TASK,
        source: 'list_directory.py',
        llm: { model: 'm', price },
        budget: { maxTokens: null, maxLlmCalls: 2 },
        fuzz: { mutations: 20 },
      },
      id,
    );
    assert.equal(result.spend.llmCalls, 2);
    assert.equal(result.finalCode, LIST_INSECURE);
    assert.equal(result.verdict, 'vulnerable', 'the code it had was still analysed');
    assert.match(result.spend.stoppedBy ?? '', /^the model budget \(2 model calls\) was spent: 2 calls, [\d,]+ tokens$/);
    assert.ok(
      result.reasons.some((r) => r.startsWith(result.spend.stoppedBy ?? '?') && r.includes('the model was not asked to repair')),
      result.reasons.join('; '),
    );
    assert.equal(result.fuzz.target?.function, 'list_directory', 'signature seeds once the budget was spent');
    const cost = (result.usage.prompt * 2.5 + result.usage.completion * 10) / 1e6;
    assert.ok(Math.abs((result.spend.costUsd ?? -1) - cost) < 1e-6, `${result.spend.costUsd} vs ${cost}`);
    const described = await client().workflow.getHandle(id).describe();
    assert.equal(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.tokens), result.usage.prompt + result.usage.completion);
    assert.ok(Math.abs((described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.costUsd) ?? -1) - cost) < 1e-6);
  });

  it('a token budget spent by the first answer ends a run that has no code yet, clearly', async () => {
    suite.llm.script((req) =>
      req.agent === 'coding' ? { content: 'no code, just words', usage: { prompt: 900, completion: 200 } } : securityAwareModel(req),
    );
    const before = suite.llm.requests.length;
    await assert.rejects(
      suite.harden({ prompt: LIST_TASK, llm: { model: 'm' }, budget: { maxTokens: 1_000, maxLlmCalls: null } }, 'calls-token-budget'),
      (error: unknown) => {
        assert.match(
          String((error as { cause?: { message?: string } }).cause?.message),
          /Coding agent: write the code from the task: the model's answer was unusable after 1 try \(the budget allows no more tokens\)/,
        );
        return true;
      },
    );
    assert.equal(suite.llm.requests.length - before, 1, 'no re-ask past the budget');
  });

  it('what a call spent before a transport fault and its retry is counted: the retried attempt carries it on', async () => {
    let faulted = false;
    suite.llm.script((req) => {
      if (req.agent !== 'coding') return securityAwareModel(req);
      if (!req.user.includes('had no')) return 'Let me think about it first.';
      if (!faulted) {
        faulted = true;
        return { status: 503 };
      }
      return securityAwareModel({ ...req, user: '' });
    });
    const before = suite.llm.requests.length;
    const result = await suite.harden(
      {
        prompt: LIST_TASK,
        source: 'list_directory.py',
        llm: { model: 'm' },
        budget: { maxTokens: null, maxLlmCalls: 3 },
        fuzz: { mutations: 10 },
      },
      'calls-carried-spend',
    );
    // Attempt 1: an answer without code (a call), then a 503. Attempt 2: the same two requests, the re-ask answered.
    assert.equal(result.initialCode, LIST_INSECURE);
    const coding = suite.llm.requests.slice(before).filter((r) => r.agent === 'coding').length;
    assert.equal(coding, 4, 'two requests in each attempt (the 503 is no completion)');
    assert.equal(result.spend.llmCalls, 3, "the first attempt's completion is counted, and the budget of 3 then stops the run");
    assert.ok(result.spend.stoppedBy);
  });

  it('a batch budget runs out midway: every task gets a share, stops cleanly at it, and the batch never overspends', async () => {
    suite.llm.script(securityAwareModel);
    const before = suite.llm.requests.length;
    const tasks = ['a', 'b', 'c', 'd'].map((id) => ({ id, prompt: LIST_TASK }));
    // Shares: 5 calls over 4 tasks gives 1, 1, 1, then the 2 left to the last: each writes its code, the last also reviews it.
    await startBatch(
      client(),
      {
        tasks,
        total: 4,
        settings: { llm: { model: 'scripted-model' }, fuzz: { mutations: 10 } },
        concurrency: 4,
        budget: { maxTokens: null, maxLlmCalls: 5 },
      },
      'calls-batch-budget',
    );
    const outcome = BatchOutcomeSchema.parse(await client().workflow.getHandle('calls-batch-budget').result());
    const t = outcome.totals;
    const spent = suite.llm.requests.length - before;
    assert.ok(spent <= 5, `the batch made ${spent} model requests on a budget of 5`);
    assert.equal(t.llmCalls, spent);
    assert.equal(t.budgetCharged.calls, spent);
    assert.equal(t.failed, 0, JSON.stringify(t.failures));
    assert.equal(t.done, 4);
    assert.equal(t.started + t.unfunded, 4);
    assert.equal(t.budgetStopped, t.started, 'every task that ran stopped at its share');
    assert.deepEqual(outcome.budget, { maxTokens: null, maxLlmCalls: 5 });
  });

  it('asc batch --max-llm-calls: the summary shows the spend against the budget', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asc-budget-'));
    try {
      const file = join(dir, 'tasks.jsonl');
      await writeFile(file, ['one', 'two'].map((id) => JSON.stringify({ id, prompt: LIST_TASK })).join('\n'));
      const run = await runCli(
        ['batch', file, '--max-llm-calls', '4', '--mutations', '10', '--id', 'calls-batch-cli', '--out', join(dir, 'out')],
        env(),
      );
      assert.ok(run.code === 0 || run.code === 1, run.stderr);
      const summary = await readFile(join(dir, 'out', 'summary.md'), 'utf8');
      assert.match(summary, /## Model spend\n\n\d+ prompt \+ \d+ completion = \d+ tokens in [1-4] model requests/);
      assert.match(summary, /Budget: 4 model calls; counted against it: \d+ tokens and [1-4] requests/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bad budgets are refused before anything starts, naming the flag or field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asc-budget-'));
    try {
      const file = join(dir, 'list.py');
      await writeFile(file, LIST_CODE);
      const negative = await runCli(['harden', '--code-file', file, '--max-tokens=-5'], env());
      assert.equal(negative.code, 2);
      assert.match(negative.stderr, /--max-tokens -5: expected a whole number/);
      const noModel = await runCli(['harden', '--code-file', file, '--no-llm', '--max-llm-calls', '3'], env());
      assert.equal(noModel.code, 2);
      assert.match(noModel.stderr, /--max-tokens and --max-llm-calls limit the model, and this run uses none/);
      const prices = join(dir, 'prices.json');
      await writeFile(prices, JSON.stringify({ 'my-model': { inputPerMTok: -1, outputPerMTok: 1 } }));
      const badPrices = await runCli(['harden', '--code-file', file, '--model', 'my-model'], { ...env(), ASC_PRICES: prices });
      assert.equal(badPrices.code, 2);
      assert.match(badPrices.stderr, /ASC_PRICES .*prices\.json is invalid: my-model\.inputPerMTok: Too small/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => resolveHardenRequest({ code: LIST_CODE, llm: { model: 'm' }, budget: { maxTokens: -1, maxLlmCalls: 2.5 } }),
      /budget\.maxTokens: must be 0 or more; budget\.maxLlmCalls: must be a whole number/,
    );
  });
});
