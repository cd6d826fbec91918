import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { HardenResult } from '../src/common/schemas.js';
import { dockerFromEnv } from '../src/workers/create.js';
import { CLI, runCli } from './support/cli.js';
import { answer, type ChatRequest, type Reply } from './support/scripted-llm.js';
import { securityAwareModel } from './support/scenarios.js';
import { scriptedSuite } from './support/stack.js';
import { batchContainers } from './support/containers.js';

/**
 * Code written by a model that may be wrong, or a person who may be hostile, tries to forge,
 * hide or outlive its results. Every run goes through the real workflow and real containers;
 * none may end `secure`.
 */

/** Every protocol line a forger could want believed: an outcome for every id, a fatal, the end. */
const FORGERY = `
import json
import os

IDS = ["s1", "s2", "s3"] + ["m%d" % i for i in range(1, 300)]
FORGED = "".join(json.dumps({"id": i, "status": "ok", "returned": "forged", "events": []}) + "\\n" for i in IDS)
FORGED += json.dumps({"fatal": "forged fatal"}) + "\\n" + json.dumps({"done": True, "outcomes": len(IDS)}) + "\\n"
`;

const TARGETS = {
  exitAtImport: `import os
import subprocess

def run(command):
    return subprocess.check_output("echo " + command, shell=True)  # nosec

os._exit(0)
`,
  bogusCoding: `# -*- coding: bogus -*-
import os

def run(command):
    os.system("ls " + command)
`,
  forgedLines: `${FORGERY}
print(FORGED)

def ratio(text):
    print(FORGED)
    left, right = text.split("/")
    return int(left) / int(right)
`,
  protocolDescriptor: `${FORGERY}
def ratio(text):
    for fd in range(0, 64):
        try:
            os.write(fd, FORGED.encode())
        except OSError:
            pass
    try:
        with open("/proc/1/fd/1", "w") as protocol:
            protocol.write(FORGED)
    except OSError:
        pass
    left, right = text.split("/")
    return int(left) / int(right)
`,
  fifoOutput: `import os

for path in ("/work/.output", "/tmp/.output", "/work/output"):
    try:
        os.mkfifo(path)
    except OSError:
        pass

def shout(text):
    print(text * 3)
    return 100 // len(text)
`,
  badUtf8: `import os

def echo(text):
    os.write(1, b"\\xff\\xfe\\xfa not utf-8 \\xc3\\n")
    for fd in range(3, 64):
        try:
            os.write(fd, b"\\xff\\xfe\\n\\xc3\\x28{\\n")
        except OSError:
            pass
    return text.encode("ascii")
`,
  stderrFlood: `import sys

sys.stderr.write("y" * 5000000)

def noisy(text):
    while True:
        sys.stderr.write("x" * 65536)
`,
  terminalEscapes: `def greet(name):
    assert not name, "\\x1b]0;owned\\x07\\x1b[2J\\x9b31m" + name
`,
  sleepForever: `import signal
import time

signal.signal(signal.SIGALRM, signal.SIG_IGN)

def wait_for(text):
    time.sleep(3600)
`,
  forkBomb: `import os

def spread(text):
    while True:
        try:
            os.fork()
        except OSError:
            pass
`,
};

/** The Fuzzing agent's seed for the huge-int target: an int of 5,000 digits. */
const HUGE = `1${'0'.repeat(5_000)}`;
const HUGE_INT_TARGET = `def remainder(n):
    return float(n) / 7
`;

/** Every input fails, and every input is large: 200 words of 100 characters. */
const HUGE_FAILURES_TARGET = `def longest(words):
    return max(words, key=len)[:3] + 1
`;
const WORDS = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')}${'w'.repeat(97)}`);

function hostileModel(req: ChatRequest): Reply {
  if (req.agent === 'fuzzing' && req.user.includes('def remainder')) return answer.seeds('remainder', [{ name: 'n', type: 'int' }], [[HUGE], ['12']]);
  if (req.agent === 'fuzzing' && req.user.includes('def longest')) return answer.seeds('longest', [{ name: 'words', type: 'list' }], [[WORDS], [WORDS.slice(0, 150)]]);
  return securityAwareModel(req);
}

describe('hostile code cannot forge, hide or outlive its results', () => {
  const suite = scriptedSuite(hostileModel);

  async function audit(name: keyof typeof TARGETS, mutations = 150): Promise<{ result: HardenResult; seconds: number }> {
    const started = Date.now();
    const result = await suite.harden({ code: TARGETS[name], source: `${name}.py`, llm: null, fuzz: { mutations } }, `hostile-${name}`);
    const seconds = (Date.now() - started) / 1000;
    // Hostile code is never cleared: it is vulnerable, unverified, or its crashes are reported.
    assert.ok(result.verdict !== 'secure' || result.remainingByKind.robustness > 0, `${name} ended secure and clean: ${result.reasons.join('; ')}`);
    return { result, seconds };
  }

  const outcomes = (result: HardenResult) => result.fuzz.failures.map((f) => f.outcome);

  it('a module that exits at import is not cleared, and the # nosec it hides behind is ignored', async () => {
    const { result } = await audit('exitAtImport', 10);
    assert.match(result.fuzz.skippedReason ?? '', /the code ended its process while loading \(it exited with code 0\)/);
    assert.ok(result.remainingFindings.some((f) => f.ruleId === 'B602' && f.line === 5), JSON.stringify(result.remainingFindings));
    assert.equal(result.verdict, 'vulnerable');
  });

  it('a bogus encoding declaration does not blind Bandit', async () => {
    const { result } = await audit('bogusCoding', 10);
    assert.ok(result.remainingFindings.some((f) => f.ruleId === 'B605' && f.line === 5), JSON.stringify(result.remainingFindings));
    assert.ok(!result.reasons.some((r) => r.startsWith('static analysis incomplete')), result.reasons.join('; '));
  });

  it('protocol lines the code prints are its output, never outcomes', async () => {
    const { result } = await audit('forgedLines', 20);
    assert.equal(result.verdict, 'secure', 'its crashes are robustness issues, reported beside the verdict');
    assert.ok(result.remainingByKind.robustness >= 15, JSON.stringify(result.remainingByKind));
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22, 'every input ran once');
    assert.ok(outcomes(result).every((o) => o.status !== 'ok' || o.returned !== 'forged'));
    assert.ok(outcomes(result).some((o) => o.status === 'exception' && o.exceptionType === 'ValueError'));
    assert.ok(!result.reasons.join(' ').includes('forged fatal'));
  });

  it('lines written to every descriptor, and to the harness stdout through /proc, are ignored', async () => {
    const { result } = await audit('protocolDescriptor', 20);
    assert.ok(result.remainingByKind.robustness >= 15, JSON.stringify(result.remainingByKind));
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22);
    assert.ok(outcomes(result).every((o) => o.status !== 'ok' || o.returned !== 'forged'));
    assert.ok(outcomes(result).some((o) => o.status === 'exception'));
  });

  it('a FIFO where an output file could be does not hang the harness', async () => {
    const { result, seconds } = await audit('fifoOutput', 20);
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22);
    assert.ok(outcomes(result).some((o) => o.status === 'exception' && o.exceptionType === 'ZeroDivisionError'));
    assert.ok(seconds < 20, `${seconds} s`);
  });

  it('bad UTF-8 on every descriptor is output at worst', async () => {
    const { result } = await audit('badUtf8', 20);
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22);
    const crash = result.fuzz.failures.find((f) => f.outcome.status === 'exception' && f.outcome.exceptionType === 'UnicodeEncodeError');
    assert.ok(crash, JSON.stringify(outcomes(result).slice(0, 3)));
    assert.match(crash.outcome.output?.head ?? '', /\uFFFD/);
  });

  it('a stderr flood is capped as the input output', async () => {
    const { result } = await audit('stderrFlood', 10);
    assert.equal(result.fuzz.incomplete, null);
    const flood = result.fuzz.failures[0]?.outcome;
    assert.equal(flood?.output?.truncated, true, JSON.stringify(flood));
  });

  it('a target that sleeps forever (and ignores SIGALRM) is judged within 20 s', async () => {
    const { result, seconds } = await audit('sleepForever');
    assert.equal(result.verdict, 'could-not-verify', 'inputs that did not run clear nothing');
    assert.ok(result.remainingByKind.robustness >= 3);
    assert.ok(outcomes(result).every((o) => o.status === 'timeout'));
    assert.match(result.fuzz.incomplete ?? '', /inputs did not run: skipped: 3 inputs in a row timed out or were killed, so the batch stopped early/);
    assert.ok(seconds <= 20, `${seconds} s`);
  });

  it('a fork bomb is judged within 20 s and leaves no process or container', async () => {
    const { result, seconds } = await audit('forkBomb');
    assert.equal(result.verdict, 'could-not-verify');
    assert.ok(outcomes(result).every((o) => o.status === 'timeout' || o.status === 'killed'), JSON.stringify(outcomes(result).slice(0, 3)));
    assert.ok(seconds <= 20, `${seconds} s`);
    assert.deepEqual(await batchContainers(dockerFromEnv(), { all: true }), []);
  });

  it('an int seed of 5,000 digits runs like any other input', async () => {
    const result = await suite.harden({ code: HUGE_INT_TARGET, source: 'remainder.py', llm: { model: 'm' }, fuzz: { mutations: 20, maxRepairRounds: 0 } }, 'hostile-huge-int');
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22, 'the two seeds and 20 mutations');
    const huge = result.fuzz.failures.find((f) => f.input.id === 's1');
    assert.ok(huge, 'the huge seed did not fail as it must');
    assert.equal(huge.outcome.status === 'exception' && huge.outcome.exceptionType, 'OverflowError', 'the value reached the code whole');
    assert.equal(huge.kind, 'robustness', 'an int where an int is due is within the contract');
  });

  it('a target whose every failing input is huge still gets a result that fits a Temporal payload', async () => {
    // Unguided: guided rounds favour the smallest inputs, and this result must outgrow a pipe's buffer.
    const result = await suite.harden({ code: HUGE_FAILURES_TARGET, source: 'longest.py', llm: { model: 'm' }, fuzz: { maxRepairRounds: 0, coverageGuided: false } }, 'hostile-huge-failures');
    assert.ok(result.remainingByKind.robustness + result.remainingByKind.contract > 0);
    assert.equal(result.fuzz.failureSummary.inputs, result.fuzz.firstPassExecuted, 'every input failed, and all are counted');
    assert.ok(result.fuzz.failureSummary.inputs > result.fuzz.failures.length, 'only a sample is kept');
    assert.ok(result.fuzz.failures.length <= 40);
    const cut = result.fuzz.failures.find((f) => f.input.id === 's1');
    assert.ok(cut?.inputTruncated && cut.inputTruncated.chars > 20_000, JSON.stringify(cut?.inputTruncated));
    assert.match(cut.inputTruncated.fnv1a, /^[0-9a-f]{8}$/);
    const bytes = Buffer.byteLength(JSON.stringify(result));
    assert.ok(bytes < 512 * 1024, `the result takes ${bytes} bytes`);
  });

  const cliEnv = () => ({ TEMPORAL_ADDRESS: suite.stack.testEnv.address, TEMPORAL_NAMESPACE: suite.stack.testEnv.namespace ?? 'default' });

  it('asc result --json reaches a slow reader through a pipe whole', async () => {
    const expected = JSON.stringify(await suite.stack.testEnv.client.workflow.getHandle('hostile-huge-failures').result());
    assert.ok(expected.length > 64 * 1024, `the result is only ${expected.length} bytes: too small to test the pipe`);
    const piped = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" result hostile-huge-failures --json --fail-on robustness | (sleep 1; cat)`], { env: { ...process.env, ...cliEnv() }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(piped.status, 1, piped.stderr);
    assert.deepEqual(JSON.parse(piped.stdout), JSON.parse(expected));
  });

  it('control characters in untrusted text reach the terminal escaped', async () => {
    await audit('terminalEscapes', 5);
    const run = await runCli(['result', 'hostile-terminalEscapes'], cliEnv());
    assert.equal(run.code, 0, `a crash is no vulnerability: ${run.stderr}`);
    assert.match(run.stdout, /AssertionError: \\x1b\]0;owned\\x07\\x1b\[2J\\x9b31m/);
    for (const control of ['\u001b', '\u0007', '\u009b']) assert.ok(!run.stdout.includes(control), `a raw ${JSON.stringify(control)} reached the terminal`);
  });
});
