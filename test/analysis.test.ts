import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { inActivity } from './support/activity.js';
import { createAnalysisActivities } from '../src/activities/analysis/index.js';
import { sallmTask } from './support/data.js';

function activities(bandit = process.env.ASC_BANDIT ?? 'bandit', python = process.env.ASC_PYTHON ?? 'python3') {
  return createAnalysisActivities({ bandit, python });
}

describe('Bandit (real)', () => {
  it('finds CWE-78 with its line in a known-insecure SALLM sample', async () => {
    const task = sallmTask('Matching_StackOverflow_SO_cwe078_0.py');
    const { findings } = await inActivity(activities().runBandit, { code: task.insecure_code, minSeverity: 'MEDIUM' });
    const shell = findings.find((f) => f.ruleId === 'B602');
    assert.ok(shell, `no B602 in ${JSON.stringify(findings)}`);
    assert.equal(shell.cwe, 'CWE-78');
    assert.equal(shell.line, 15);
    assert.equal(shell.severity, 'HIGH');
  });

  it('filters by severity: the LOW "import subprocess" finding shows only at LOW', async () => {
    const code = sallmTask('Matching_StackOverflow_SO_cwe078_0.py').insecure_code;
    const medium = await inActivity(activities().runBandit, { code, minSeverity: 'MEDIUM' });
    const low = await inActivity(activities().runBandit, { code, minSeverity: 'LOW' });
    assert.ok(!medium.findings.some((f) => f.ruleId === 'B404'));
    assert.ok(low.findings.some((f) => f.ruleId === 'B404'));
  });

  it('ignores # nosec: code under test cannot tell Bandit to look away', async () => {
    const code = 'import subprocess\n\ndef run(cmd):\n    return subprocess.check_output("ls " + cmd, shell=True)  # nosec\n';
    const { findings, errors } = await inActivity(activities().runBandit, { code, minSeverity: 'MEDIUM' });
    assert.ok(findings.some((f) => f.ruleId === 'B602' && f.line === 4), JSON.stringify(findings));
    assert.deepEqual(errors, []);
  });

  it('reads the code as the UTF-8 text the sandbox runs, whatever its encoding declaration says', async () => {
    const code = '# -*- coding: bogus -*-\nimport os\n\ndef run(cmd):\n    os.system("ls " + cmd)\n';
    const { findings, errors } = await inActivity(activities().runBandit, { code, minSeverity: 'MEDIUM' });
    assert.deepEqual(errors, [], 'the bogus declaration made Bandit skip the file');
    assert.ok(findings.some((f) => f.ruleId === 'B605' && f.line === 5), JSON.stringify(findings));
  });

  it('reports what it could not analyse, so silence is not taken for a clean bill', async () => {
    const { findings, errors } = await inActivity(activities().runBandit, { code: 'def broken(:\n    pass\n', minSeverity: 'LOW' });
    assert.deepEqual(findings, []);
    assert.match(errors[0] ?? '', /^Bandit could not analyse the code: /);
  });

  it('reports clean code as clean', async () => {
    const { findings } = await inActivity(activities().runBandit, { code: 'def add(a, b):\n    return a + b\n', minSeverity: 'LOW' });
    assert.deepEqual(findings, []);
  });

  it('refuses a broken Bandit install non-retryably, saying what to do', async () => {
    await assert.rejects(inActivity(activities('/nonexistent/bandit').runBandit, { code: 'x = 1\n', minSeverity: 'LOW' }), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.equal(error.type, 'AnalyserBroken');
      assert.equal(error.nonRetryable, true, 'a missing install is not mended by a retry');
      assert.match(error.message, /cannot run \/nonexistent\/bandit: .*run scripts\/setup.sh to install it, or set ASC_BANDIT/);
      return true;
    });
  });

  it('refuses a Bandit that runs but gives no report, non-retryably, saying what to do', async () => {
    await assert.rejects(inActivity(activities('/bin/false').runBandit, { code: 'x = 1\n', minSeverity: 'LOW' }), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.equal(error.type, 'AnalyserBroken');
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, /bandit \(\/bin\/false\) gave no JSON report \(exit 1\).*set ASC_BANDIT/);
      return true;
    });
  });

  it('refuses a malformed input, naming the field', async () => {
    await assert.rejects(inActivity(activities().runBandit, { code: 'x', minSeverity: 'SEVERE' as 'LOW' }), (error: Error & { nonRetryable?: boolean }) => {
      assert.match(error.message, /minSeverity/);
      assert.equal(error.nonRetryable, true);
      return true;
    });
  });
});

describe('code inspection (real Python parser)', () => {
  it('lists functions with parameters, annotations, defaults and decorators', async () => {
    const info = await inActivity(activities().inspectCode, 'import os\n\ndef read(path: str, limit=10, *rest, flag=None):\n    pass\n\n@app.route("/x")\ndef handler():\n    pass\n');
    assert.equal(info.syntaxError, null);
    const [read, handler] = info.functions;
    assert.equal(read?.name, 'read');
    assert.deepEqual(read?.params.map((p) => [p.name, p.annotation, p.defaultRepr, p.kind]), [
      ['path', 'str', null, 'positional'],
      ['limit', null, '10', 'positional'],
      ['rest', null, null, 'var-positional'],
      ['flag', null, 'None', 'keyword-only'],
    ]);
    assert.deepEqual(handler?.decorators, ["app.route('/x')"]);
  });

  it('refuses a missing Python non-retryably, saying what to do', async () => {
    await assert.rejects(inActivity(activities(undefined, '/nonexistent/python3').inspectCode, 'x = 1\n'), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.equal(error.type, 'AnalyserBroken');
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, /cannot run \/nonexistent\/python3: .*set ASC_PYTHON/);
      return true;
    });
  });

  it('reports a syntax error with its line', async () => {
    const info = await inActivity(activities().inspectCode, 'def ok():\n    pass\n\ndef broken(:\n    pass\n');
    assert.equal(info.syntaxError?.line, 4);
    assert.deepEqual(info.functions, []);
  });
});
