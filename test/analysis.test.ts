import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { inActivity } from './support/activity.js';
import { createAnalysisActivities } from '../src/activities/analysis/index.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { resolvedRules, semgrepFindings } from '../src/activities/analysis/semgrep.js';
import { runProcess } from '../src/activities/process.js';
import { loadEnv } from '../src/common/config.js';
import { sallmTask } from './support/data.js';

const env = loadEnv();

function activities(bandit = env.ASC_BANDIT, python = env.ASC_PYTHON, semgrep = env.ASC_SEMGREP) {
  return createAnalysisActivities({ bandit, semgrep: { program: semgrep, rules: env.ASC_RULES }, python });
}

describe("Bandit and Semgrep together (real, with the project's rule pack)", () => {
  const SHELL = `import os\n\ndef archive(name):\n    return os.system("tar czf out.tgz " + name)\n`;

  it('one finding per CWE and line, naming every analyser that reported it', async () => {
    const { findings, errors } = await inActivity(activities().runStaticTools, { code: SHELL, minSeverity: 'MEDIUM' });
    assert.deepEqual(errors, []);
    const shell = findings.filter((f) => f.cwe === 'CWE-78' && f.line === 4);
    assert.equal(shell.length, 1, JSON.stringify(findings));
    assert.equal(shell[0]?.source, 'bandit');
    assert.deepEqual(shell[0]?.alsoFoundBy, ['Semgrep command-injection-shell']);
  });

  it('Semgrep follows request input where Bandit has no rule: an open redirect', async () => {
    const code = `from flask import Flask, redirect, request\n\napp = Flask(__name__)\n\n@app.route('/go')\ndef go():\n    return redirect(request.args.get('next'))\n`;
    const { findings } = await inActivity(activities().runStaticTools, { code, minSeverity: 'MEDIUM' });
    const redirect = findings.find((f) => f.cwe === 'CWE-601');
    assert.ok(redirect, JSON.stringify(findings));
    assert.equal(redirect.source, 'semgrep');
    assert.equal(redirect.line, 7);
    assert.equal(redirect.kind, 'security');
    const safe = code.replace("redirect(request.args.get('next'))", "redirect('/home')");
    assert.deepEqual((await inActivity(activities().runStaticTools, { code: safe, minSeverity: 'MEDIUM' })).findings, []);
  });

  it('a nosemgrep comment does not hide a finding', async () => {
    const { findings } = await inActivity(activities().runStaticTools, {
      code: SHELL.replace('+ name)', '+ name)  # nosemgrep'),
      minSeverity: 'MEDIUM',
    });
    assert.ok(
      findings.some((f) => f.source === 'semgrep' || f.alsoFoundBy.some((a) => a.startsWith('Semgrep'))),
      JSON.stringify(findings),
    );
  });

  it('refuses a broken Semgrep install non-retryably, saying what to do', async () => {
    await assert.rejects(
      inActivity(activities(undefined, undefined, '/nonexistent/semgrep').runStaticTools, { code: 'x = 1\n', minSeverity: 'LOW' }),
      (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure, String(error));
        assert.equal(error.type, 'AnalyserBroken');
        assert.equal(error.nonRetryable, true);
        assert.match(
          error.message,
          /cannot run \/nonexistent\/python: .*it is the Python of the Semgrep at \/nonexistent\/semgrep; .*set ASC_SEMGREP/,
        );
        return true;
      },
    );
  });
});

describe('the Semgrep rule pack (rules/)', () => {
  it('passes its own examples: every ruleid line matches and every ok line does not', async () => {
    const run = await runProcess(
      env.ASC_SEMGREP,
      ['--test', '--metrics=off', '--disable-version-check', env.ASC_RULES],
      '',
      180_000,
      undefined,
      { ...process.env, PATH: `${dirname(env.ASC_SEMGREP)}:${process.env.PATH ?? ''}` },
    );
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(`${run.stdout}${run.stderr}`, /(\d+)\/\1: ✓ All tests passed/);
  });

  it("the engine the workers run (Semgrep's OCaml command line on the resolved pack) reports exactly the examples' ruleid lines", async () => {
    const semgrep = { program: env.ASC_SEMGREP, rules: env.ASC_RULES };
    let checked = 0;
    for (const dir of readdirSync(env.ASC_RULES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const name of readdirSync(join(env.ASC_RULES, dir.name)).filter((f) => f.endsWith('.yaml'))) {
        const ids = new Set([...readFileSync(join(env.ASC_RULES, dir.name, name), 'utf8').matchAll(/^\s*- id: (\S+)/gm)].map((m) => m[1]));
        const examples = readFileSync(join(env.ASC_RULES, dir.name, name.replace(/\.yaml$/, '.py')), 'utf8');
        // semgrep --test's convention: "# ruleid: a, b" marks the next line as matched by those rules.
        const expected = examples
          .split('\n')
          .flatMap((line, i) => [...(/#\s*ruleid:\s*(.+)$/.exec(line)?.[1]?.split(',') ?? [])].map((id) => `${id.trim()}@${i + 2}`));
        const { findings, errors } = await semgrepFindings(semgrep, examples, 'LOW');
        assert.deepEqual(errors, []);
        const reported = findings.filter((f) => ids.has(f.ruleId)).map((f) => `${f.ruleId}@${f.line ?? 0}`);
        assert.deepEqual([...new Set(reported)].sort(), [...new Set(expected)].sort(), `${dir.name}/${name}`);
        checked += expected.length;
      }
    }
    assert.ok(checked >= 70, `${checked} ruleid lines checked`);
  });

  it("a fresh worker's first analyses, arriving together, share one resolution of the pack", async () => {
    // A Semgrep install no one has resolved the pack with yet, whose Python counts its runs.
    const install = mkdtempSync(join(tmpdir(), 'asc-semgrep-'));
    const runs = join(install, 'runs');
    writeFileSync(join(install, 'python'), `#!/bin/sh\necho run >> ${runs}\nexec ${join(dirname(env.ASC_SEMGREP), 'python')} "$@"\n`, {
      mode: 0o755,
    });
    let resolved = '';
    try {
      const paths = await Promise.all(
        Array.from({ length: 4 }, () => resolvedRules({ program: join(install, 'semgrep'), rules: env.ASC_RULES })),
      );
      resolved = paths[0] ?? '';
      assert.equal(new Set(paths).size, 1);
      assert.equal(readFileSync(runs, 'utf8'), 'run\n', 'the pack was resolved once');
      assert.ok(
        z.object({ rules: z.array(z.unknown()) }).parse(JSON.parse(readFileSync(resolved, 'utf8'))).rules.length >= 20,
        'the resolved pack holds the rules',
      );
      assert.deepEqual(
        readdirSync(tmpdir()).filter((f) => f.startsWith(basename(resolved)) && f.endsWith('.partial')),
        [],
        'no half-written file is left',
      );
    } finally {
      rmSync(install, { recursive: true, force: true });
      if (resolved) rmSync(resolved, { force: true });
    }
  });
});

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
    assert.ok(
      findings.some((f) => f.ruleId === 'B602' && f.line === 4),
      JSON.stringify(findings),
    );
    assert.deepEqual(errors, []);
  });

  it('reads the code as the UTF-8 text the sandbox runs, whatever its encoding declaration says', async () => {
    const code = '# -*- coding: bogus -*-\nimport os\n\ndef run(cmd):\n    os.system("ls " + cmd)\n';
    const { findings, errors } = await inActivity(activities().runBandit, { code, minSeverity: 'MEDIUM' });
    assert.deepEqual(errors, [], 'the bogus declaration made Bandit skip the file');
    assert.ok(
      findings.some((f) => f.ruleId === 'B605' && f.line === 5),
      JSON.stringify(findings),
    );
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
    await assert.rejects(
      inActivity(activities('/nonexistent/bandit').runBandit, { code: 'x = 1\n', minSeverity: 'LOW' }),
      (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure, String(error));
        assert.equal(error.type, 'AnalyserBroken');
        assert.equal(error.nonRetryable, true, 'a missing install is not mended by a retry');
        assert.match(error.message, /cannot run \/nonexistent\/bandit: .*run scripts\/setup.sh to install it, or set ASC_BANDIT/);
        return true;
      },
    );
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
    await assert.rejects(
      inActivity(activities().runBandit, { code: 'x', minSeverity: 'SEVERE' as 'LOW' }),
      (error: Error & { nonRetryable?: boolean }) => {
        assert.match(error.message, /minSeverity/);
        assert.equal(error.nonRetryable, true);
        return true;
      },
    );
  });
});

describe('code inspection (real Python parser)', () => {
  it('lists functions with parameters, annotations, defaults and decorators', async () => {
    const info = await inActivity(
      activities().inspectCode,
      'import os\n\ndef read(path: str, limit=10, *rest, flag=None):\n    pass\n\n@app.route("/x")\ndef handler():\n    pass\n',
    );
    assert.equal(info.syntaxError, null);
    const [read, handler] = info.functions;
    assert.equal(read?.name, 'read');
    assert.deepEqual(
      read?.params.map((p) => [p.name, p.annotation, p.defaultRepr, p.kind]),
      [
        ['path', 'str', null, 'positional'],
        ['limit', null, '10', 'positional'],
        ['rest', null, null, 'var-positional'],
        ['flag', null, 'None', 'keyword-only'],
      ],
    );
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
