import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inActivity } from './support/activity.js';
import { ApplicationFailure } from '@temporalio/common';
import { retryAfterMs } from '../src/activities/llm/errors.js';
import { createLlmActivities, createLlmClient } from '../src/activities/llm/index.js';
import { MAX_REASKS } from '../src/common/timeouts.js';
import { CallSpendSchema, type FunctionInfo } from '../src/common/schemas/index.js';
import { answer, likeRealModels, ScriptedLlm } from './support/scripted-llm.js';

let llm: ScriptedLlm;
before(async () => {
  llm = await ScriptedLlm.start(() => 'unscripted');
});
after(async () => {
  await llm.close();
});

function agents(baseURL = llm.url, structuredOutputs: 'auto' | 'off' = 'off') {
  return createLlmActivities({ client: createLlmClient({ baseURL, apiKey: 'k', timeoutS: 5 }), endpoint: baseURL, structuredOutputs });
}

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `not an ApplicationFailure: ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}

const FN: FunctionInfo = {
  name: 'scale',
  line: 1,
  decorators: [],
  route: null,
  params: [
    { name: 'value', annotation: null, defaultRepr: null, kind: 'positional' },
    { name: 'factor', annotation: null, defaultRepr: null, kind: 'positional' },
  ],
};

describe('agents against an OpenAI-compatible endpoint', () => {
  it('the Coding agent returns the code of a fenced answer, with token usage', async () => {
    llm.script(() => answer.code('def f(x):\n    return x\n'));
    const result = await inActivity(agents().generateCode, { model: 'm', prompt: 'def f(x):\n    """Return x."""\n' });
    assert.equal(result.code, 'def f(x):\n    return x\n');
    assert.ok(result.meta.usage.prompt > 0 && result.meta.usage.completion > 0);
    assert.equal(result.meta.reasks, 0);
  });

  it('re-asks an answer with no code, then fails clearly and non-retryably', async () => {
    const before = llm.requests.length;
    llm.script(() => 'I would rather not write code today.');
    const error = await failure(inActivity(agents().generateCode, { model: 'm', prompt: 'def f(x):\n    pass\n' }));
    assert.equal(error.nonRetryable, true);
    assert.equal(error.type, 'LlmUnusableAnswer');
    assert.match(error.message, /unusable after 3 tries \(no code block\)/);
    assert.equal(llm.requests.length - before, MAX_REASKS + 1);
    assert.match(llm.requests.at(-1)?.user ?? '', /had no ```python block/);
  });

  it('recovers when a re-ask gets usable code', async () => {
    llm.script((req) => (req.user.includes('had no') ? answer.code('x = 1\n') : 'Sure! Here you go.'));
    const result = await inActivity(agents().repairCode, {
      model: 'm',
      task: null,
      code: 'x = 0\n',
      feedback: { kind: 'syntax', line: 1, message: 'bad' },
    });
    assert.equal(result.code, 'x = 1\n');
    assert.equal(result.meta.reasks, 1);
  });

  it('the Static Analyser agent normalises CWE ids and keeps line and fix', async () => {
    llm.script(
      () =>
        `Findings:\n\`\`\`json\n${answer.findings([{ cwe: '22', line: 4, description: 'path traversal', fix: 'normalise and check the path', severity: 'high' }])}\n\`\`\``,
    );
    const { findings } = await inActivity(agents().reviewCode, { model: 'm', code: 'x', toolFindings: [] });
    assert.deepEqual(findings, [
      {
        kind: 'security',
        source: 'static-agent',
        ruleId: 'llm-review',
        cwe: 'CWE-22',
        line: 4,
        severity: 'HIGH',
        confidence: 'MEDIUM',
        message: 'path traversal',
        fix: 'normalise and check the path',
        triage: null,
        alsoFoundBy: [],
      },
    ]);
  });

  it('the Static Analyser agent triages the tool findings by number; a number it was not shown is re-asked', async () => {
    const tool = {
      kind: 'security' as const,
      source: 'bandit' as const,
      ruleId: 'B108',
      cwe: 'CWE-377',
      line: 3,
      severity: 'MEDIUM' as const,
      confidence: 'MEDIUM' as const,
      message: 'hardcoded tmp',
      fix: null,
      triage: null,
    };
    llm.script((req) =>
      JSON.stringify({
        findings: [],
        triage: [
          {
            finding: req.user.startsWith('Your answer was not') ? 1 : 2,
            verdict: 'dismissed',
            reason: 'the path is a constant the code creates with mkdtemp',
          },
        ],
      }),
    );
    const before = llm.requests.length;
    const result = await inActivity(agents().reviewCode, { model: 'm', code: 'x', toolFindings: [tool] });
    assert.deepEqual(result.triage, [{ finding: 1, verdict: 'dismissed', reason: 'the path is a constant the code creates with mkdtemp' }]);
    assert.equal(llm.requests.length - before, 2, 'one re-ask');
    assert.match(llm.requests.at(-2)?.user ?? '', /^Code .*\n1\. CWE-377 at line 3 \(bandit B108/s, 'the prompt numbers the tool findings');
    assert.match(llm.requests.at(-1)?.user ?? '', /triage\.0\.finding: finding 2: there are 1 tool findings, numbered from 1/);
  });

  it('the Fuzzing agent: malformed seed JSON is re-asked with the reason, then accepted', async () => {
    llm.script((req) =>
      req.nth === 0
        ? answer.seeds('scale', [{ name: 'value', type: 'int' }], [[1]])
        : req.nth === 1
          ? answer.seeds(
              'scale',
              [
                { name: 'value', type: 'int' },
                { name: 'factor', type: 'float' },
              ],
              [['one', 2.5]],
            )
          : answer.seeds(
              'scale',
              [
                { name: 'value', type: 'int' },
                { name: 'factor', type: 'float' },
              ],
              [
                [1, 2.5],
                [7, 0.5],
              ],
            ),
    );
    const start = llm.count('fuzzing');
    const { target, meta } = await inActivity(agents().writeSeeds, {
      model: 'm',
      code: 'def scale(value, factor):\n    return value * factor\n',
      functions: [FN],
    });
    assert.equal(meta.reasks, 2);
    const asks = llm.requests.filter((r) => r.agent === 'fuzzing').slice(start);
    assert.match(asks[1]?.user ?? '', /takes 2 positional parameters, the answer declares 1/);
    assert.match(asks[2]?.user ?? '', /seeds\[0\]\[0\]: expected an integer/);
    assert.deepEqual(target.seeds[1], {
      id: 's2',
      args: [
        { type: 'int', value: '7' },
        { type: 'float', value: 0.5 },
      ],
    });
  });

  it('the Fuzzing agent: a function that does not exist is refused', async () => {
    llm.script(() => answer.seeds('nope', [], [[]]));
    const error = await failure(inActivity(agents().writeSeeds, { model: 'm', code: 'x', functions: [FN] }));
    assert.match(error.message, /no function "nope" in the code; choose one of scale/);
  });
});

describe("real endpoints' habits", () => {
  const REVIEW = { model: 'm', code: 'import os\nos.system(x)\n', toolFindings: [] };
  const spendOf = (error: ApplicationFailure) => CallSpendSchema.parse(error.details?.[0]);

  it('takes the module from prose with several code blocks, and JSON from a fence with a comment and a trailing comma', async () => {
    const module = 'import os\n\ndef list_directory(path):\n    return sorted(os.listdir(path))\n';
    llm.script(
      likeRealModels((req) =>
        req.agent === 'coding'
          ? answer.code(module)
          : answer.findings([{ cwe: 'CWE-78', line: 2, description: 'shell', severity: 'HIGH' }]),
      ),
    );
    const code = await inActivity(agents().generateCode, { model: 'm', prompt: 'def list_directory(path):\n    pass\n' });
    assert.equal(code.code, module, 'the module, not the shell block or the usage example');
    assert.equal(code.meta.reasks, 1, 'the first answer was cut off and re-asked');
    assert.match(llm.requests.at(-1)?.user ?? '', /cut off at your output limit/);
    const review = await inActivity(agents().reviewCode, REVIEW);
    assert.deepEqual(
      review.findings.map((f) => [f.cwe, f.line]),
      [['CWE-78', 2]],
    );
    assert.equal(
      review.meta.reasks,
      1,
      'only the cut-off answer was re-asked: the prose example object, the comment and the trailing comma cost none',
    );
  });

  it('a cut-off answer is never parsed; when every answer is cut off the failure says so, with what was spent', async () => {
    const before = llm.requests.length;
    llm.script(() => ({
      content: '```python\ndef f(x):\n    return x\n```',
      finishReason: 'length',
      usage: { prompt: 100, completion: 50 },
    }));
    const error = await failure(inActivity(agents().generateCode, { model: 'm', prompt: 'def f(x):\n    pass\n' }));
    assert.equal(error.type, 'LlmTruncated');
    assert.equal(error.nonRetryable, true);
    assert.match(
      error.message,
      /cut off at its output limit \(finish_reason "length"\) after 3 tries; raise the endpoint's output-token limit/,
    );
    assert.equal(llm.requests.length - before, MAX_REASKS + 1);
    assert.deepEqual(spendOf(error), { calls: 3, usage: { prompt: 300, completion: 150 } });
  });

  it("a refusal is re-asked with the defensive purpose, and fails with the model's own words", async () => {
    llm.script(() => ({ content: null, refusal: "I can't help with exploiting systems." }));
    const error = await failure(inActivity(agents().reviewCode, REVIEW));
    assert.equal(error.type, 'LlmRefusal');
    assert.match(error.message, /the model refused to answer after 3 tries: "I can't help with exploiting systems\."/);
    assert.match(llm.requests.at(-1)?.user ?? '', /This is defensive work/);
    llm.script((req) => (req.user.includes('defensive work') ? answer.findings([]) : { content: '', finishReason: 'content_filter' }));
    const recovered = await inActivity(agents().reviewCode, REVIEW);
    assert.equal(recovered.meta.reasks, 1, 'a content filter stop counts as a refusal and is re-asked');
  });

  it('an empty answer is re-asked, then fails naming the model', async () => {
    llm.script(() => ({ content: null }));
    const error = await failure(inActivity(agents().generateCode, { model: 'tiny', prompt: 'def f(x):\n    pass\n' }));
    assert.equal(error.type, 'LlmEmptyAnswer');
    assert.match(error.message, /answer was empty after 3 tries; check that model "tiny" is a chat model/);
    assert.match(llm.requests.at(-1)?.user ?? '', /Your answer was empty/);
  });

  it('structured outputs: JSON agents send a JSON schema built from their answer schema; the Coding agent does not', async () => {
    llm.script((req) => (req.agent === 'coding' ? answer.code('x = 1\n') : answer.findings([])));
    const review = await inActivity(agents(llm.url, 'auto').reviewCode, REVIEW);
    assert.equal(review.meta.structured, true);
    const format = llm.requests.at(-1)?.responseFormat;
    assert.equal(format?.type, 'json_schema');
    assert.equal(format?.json_schema?.name, 'security_review');
    const properties = format?.json_schema?.schema.properties as Record<string, unknown> | undefined;
    assert.deepEqual(Object.keys(properties ?? {}).sort(), ['findings', 'triage']);
    await inActivity(agents(llm.url, 'auto').generateCode, { model: 'm', prompt: 'def f():\n    pass\n' });
    assert.equal(llm.requests.at(-1)?.responseFormat, null);
  });

  it('structured outputs: an endpoint that refuses the field is asked free-form, that call and later ones', async () => {
    llm.rejectStructuredOutputs = true;
    try {
      llm.script(() =>
        answer.seeds(
          'scale',
          [
            { name: 'value', type: 'int' },
            { name: 'factor', type: 'float' },
          ],
          [[1, 2.5]],
        ),
      );
      const first = await inActivity(agents(llm.url, 'auto').writeSeeds, {
        model: 'no-structured-outputs',
        code: 'def scale(value, factor):\n    return value * factor\n',
        functions: [FN],
      });
      assert.equal(first.meta.structured, false);
      assert.equal(first.meta.calls, 1, 'the refused request is not a model call');
      const before = llm.requests.length;
      await inActivity(agents(llm.url, 'auto').writeSeeds, {
        model: 'no-structured-outputs',
        code: 'def scale(value, factor):\n    return value * factor\n',
        functions: [FN],
      });
      assert.equal(llm.requests.length - before, 1);
      assert.equal(llm.requests.at(-1)?.responseFormat, null, 'remembered: no second refusal');
    } finally {
      llm.rejectStructuredOutputs = false;
    }
  });

  it('a call limit from the budget caps the re-asks, and the failure says why it stopped', async () => {
    const before = llm.requests.length;
    llm.script(() => 'no code here');
    const error = await failure(
      inActivity(agents().generateCode, { model: 'm', prompt: 'def f():\n    pass\n', limit: { calls: 1, tokens: null } }),
    );
    assert.equal(llm.requests.length - before, 1);
    assert.match(error.message, /unusable after 1 try \(the budget allows no more calls\) \(no code block\)/);
    assert.equal(spendOf(error).calls, 1);
  });
});

describe('classification of endpoint errors', () => {
  it('429 is retryable and honours retry-after', async () => {
    llm.script(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    const error = await failure(inActivity(agents().generateCode, { model: 'm', prompt: 'def f():\n    pass\n' }));
    assert.equal(error.nonRetryable, false);
    assert.equal(error.type, 'LlmRateLimited');
    assert.equal(error.nextRetryDelay, 7000);
  });

  it('503 is retryable; 401 and 404 are not, and say what to check', async () => {
    llm.script(() => ({ status: 503 }));
    assert.equal((await failure(inActivity(agents().generateCode, { model: 'm', prompt: 'def f():\n    pass\n' }))).nonRetryable, false);
    llm.script(() => ({ status: 401 }));
    const auth = await failure(inActivity(agents().generateCode, { model: 'm', prompt: 'def f():\n    pass\n' }));
    assert.equal(auth.nonRetryable, true);
    assert.match(auth.message, /check OPENAI_API_KEY/);
    llm.script(() => ({ status: 404 }));
    const missing = await failure(inActivity(agents().generateCode, { model: 'gpt-x', prompt: 'def f():\n    pass\n' }));
    assert.equal(missing.nonRetryable, true);
    assert.match(missing.message, /model "gpt-x" or the endpoint was not found/);
  });

  it('an endpoint that is down is retryable and named', async () => {
    const error = await failure(inActivity(agents('http://127.0.0.1:9/v1').generateCode, { model: 'm', prompt: 'def f():\n    pass\n' }));
    assert.equal(error.nonRetryable, false);
    assert.equal(error.type, 'LlmUnreachable');
    assert.match(error.message, /cannot reach the LLM at http:\/\/127.0.0.1:9\/v1/);
  });

  it('reads retry-after as seconds, as a date, and retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' }), now), 2000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '150' }), now), 150);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
  });

  it('refuses a malformed activity input, naming the field', async () => {
    const error = await failure(inActivity(agents().generateCode, { model: '', prompt: 'x' }));
    assert.equal(error.nonRetryable, true);
    assert.match(error.message, /generateCode input is invalid: model/);
  });
});
