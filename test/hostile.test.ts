import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { buildSarif } from '../src/client/batch-report.js';
import type { FuzzOutcome, SecurityEvent } from '../src/common/sandbox.js';
import type { HardenResult } from '../src/common/schemas/index.js';
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

/**
 * Reaches a shell through names no static tool resolves, then finds the harness's channel
 * through its caller's frames: what a target needs to forge its own outcome.
 */
const HIDDEN_SHELL = `
import os
import sys

def shell(command):
    getattr(__import__("o" + "s"), "sys" + "tem")("echo " + command)

def harness_local(name):
    frame = sys._getframe()
    while frame is not None:
        if name in frame.f_locals and frame.f_globals.get("__name__", "").startswith("harness"):
            return frame.f_locals
        frame = frame.f_back
    raise LookupError(name)

def forge(status="ok"):
    scope = harness_local("channel")
    scope["channel"].message({"i": scope["command"]["i"], "outcome": {"status": status, "returned": "'clean'", "events": []}})
`;

/** Removes the interpreter's audit hooks (a hook cannot be removed from Python: its list is found in memory and emptied). */
const REMOVE_HOOKS = `
import ctypes
import gc
import struct
import types

def remove_audit_hooks():
    hook = next(f for f in gc.get_objects() if isinstance(f, types.FunctionType) and f.__module__ == "harness.hook" and f.__name__ == "first")
    api = ctypes.pythonapi
    api.PyInterpreterState_Get.restype = ctypes.c_void_p
    interp = api.PyInterpreterState_Get()
    mem = os.open("/proc/self/mem", os.O_RDWR)

    def word(address):
        try:
            data = os.pread(mem, 8, address)
        except OSError:
            return None
        return struct.unpack("Q", data)[0] if len(data) == 8 else None

    region = os.pread(mem, 1 << 16, interp)
    for offset in range(0, len(region) - 8, 8):
        pointer = struct.unpack_from("Q", region, offset)[0]
        if pointer < 0x10000 or pointer % 8 or word(pointer + 8) != id(list):
            continue
        size, items = word(pointer + 16), word(pointer + 24)
        if size and size < 16 and items and id(hook) in [word(items + 8 * k) for k in range(size)]:
            os.pwrite(mem, struct.pack("q", 0), pointer + 16)
`;

const TARGETS = {
  forgedOutcome: `${HIDDEN_SHELL}
def run(command):
    shell(command)
    forge()
    os._exit(0)
`,
  secondOutcome: `${HIDDEN_SHELL}
def run(command):
    forge()
    forge()
    return len(command)
`,
  exitAfterEvent: `${HIDDEN_SHELL}
def run(command):
    shell(command)
    os._exit(0)
`,
  closedChannel: `${HIDDEN_SHELL}
def run(command):
    os.closerange(3, 1024)
    shell(command)
`,
  replacedChannel: `${HIDDEN_SHELL}
def run(command):
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in range(3, 1024):
        try:
            if os.readlink("/proc/self/fd/%d" % fd).startswith("socket:"):
                os.dup2(devnull, fd)
        except OSError:
            pass
    shell(command)
`,
  replacedAddAuditHook: `import sys

sys.addaudithook = lambda hook: None

def read_note(name):
    with open("/work/notes/" + name) as note:
        return note.read()
`,
  removedHooks: `${HIDDEN_SHELL}${REMOVE_HOOKS}
def run(command):
    remove_audit_hooks()
    shell(command)
`,
  shellThroughCtypes: `import ctypes

def run(command):
    ctypes.CDLL(None).system(("echo " + command).encode())
`,
  rewrittenOracle: `${HIDDEN_SHELL}
def run(command):
    commands = __import__("harness.oracles.commands").oracles.commands
    commands.on_system.__code__ = (lambda oracle, args: None).__code__
    shell(command)
`,
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
  if (req.agent === 'fuzzing' && req.user.includes('def remainder'))
    return answer.seeds('remainder', [{ name: 'n', type: 'int' }], [[HUGE], ['12']]);
  if (req.agent === 'fuzzing' && req.user.includes('def longest'))
    return answer.seeds('longest', [{ name: 'words', type: 'list' }], [[WORDS], [WORDS.slice(0, 150)]]);
  return securityAwareModel(req);
}

describe('hostile code cannot forge, hide or outlive its results', () => {
  const suite = scriptedSuite(hostileModel);

  async function audit(name: keyof typeof TARGETS, mutations = 150): Promise<{ result: HardenResult; seconds: number }> {
    const started = Date.now();
    const result = await suite.harden({ code: TARGETS[name], source: `${name}.py`, llm: null, fuzz: { mutations } }, `hostile-${name}`);
    const seconds = (Date.now() - started) / 1000;
    // Hostile code is never cleared: it is vulnerable, unverified, or its crashes are reported.
    assert.ok(
      result.verdict !== 'secure' || result.remainingByKind.robustness > 0,
      `${name} ended secure and clean: ${result.reasons.join('; ')}`,
    );
    return { result, seconds };
  }

  const cliEnv = () => ({ TEMPORAL_ADDRESS: suite.stack.testEnv.address, TEMPORAL_NAMESPACE: suite.stack.testEnv.namespace ?? 'default' });
  const outcomes = (result: HardenResult) => result.fuzz.failures.map((f) => f.outcome);
  const tamperOf = (o: FuzzOutcome) => o.events.filter((e) => e.kind === 'tamper' && e.cwe === 'CWE-693').map((e) => e.detail);
  /** The failing inputs' outcomes that carry an event of this kind. */
  const withEvent = (result: HardenResult, kind: SecurityEvent['kind']) =>
    outcomes(result).filter((o) => o.events.some((e) => e.kind === kind));
  const shellSeen = (result: HardenResult) =>
    withEvent(result, 'shell').flatMap((o) => o.events.filter((e) => e.kind === 'shell').map((e) => e.detail));
  /** No static finding of the CWE: what the run found of it, it found by running the code. */
  const staticallyBlind = (result: HardenResult, cwe: string) =>
    assert.ok(!result.remainingFindings.some((f) => f.cwe === cwe), JSON.stringify(result.remainingFindings));

  it('a module that exits at import is not cleared, and the # nosec it hides behind is ignored', async () => {
    const { result } = await audit('exitAtImport', 10);
    assert.match(result.fuzz.skippedReason ?? '', /the code ended its process while loading \(it exited with code 0\)/);
    assert.ok(
      result.remainingFindings.some((f) => f.ruleId === 'B602' && f.line === 5),
      JSON.stringify(result.remainingFindings),
    );
    assert.equal(result.verdict, 'vulnerable');
  });

  it('a bogus encoding declaration does not blind Bandit', async () => {
    const { result } = await audit('bogusCoding', 10);
    assert.ok(
      result.remainingFindings.some((f) => f.ruleId === 'B605' && f.line === 5),
      JSON.stringify(result.remainingFindings),
    );
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

  it('lines written to every descriptor are never outcomes; the write to the harness channel is tampering (CWE-693)', async () => {
    const { result } = await audit('protocolDescriptor', 20);
    assert.equal(result.verdict, 'vulnerable');
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22);
    assert.ok(outcomes(result).every((o) => o.status !== 'ok' || o.returned !== 'forged'));
    assert.ok(
      outcomes(result).some((o) => o.status === 'exception' && o.exceptionType === 'ValueError'),
      'the real outcomes stand',
    );
    assert.ok(
      outcomes(result).every((o) =>
        tamperOf(o).some((d) => /wrote to the harness's channel something that is not a message of the harness/.test(d)),
      ),
      JSON.stringify(outcomes(result)[0]),
    );
  });

  it('a shell no static tool sees, then an outcome forged through the harness frames: the streamed event stands, and the forgery is CWE-693', async () => {
    const { result } = await audit('forgedOutcome', 30);
    assert.equal(result.verdict, 'vulnerable');
    staticallyBlind(result, 'CWE-78');
    const forged = withEvent(result, 'shell');
    assert.ok(forged.length > 0, JSON.stringify(outcomes(result).slice(0, 2)));
    for (const o of forged) {
      assert.equal(o.status === 'ok' && o.returned, "'clean'", 'the forged outcome is the one the child reported');
      assert.match(
        tamperOf(o).join(' '),
        /reported an outcome that lists 0 of the 1 security events its process streamed \(the streamed events stand\)/,
      );
    }
    const clean = outcomes(result).filter((o) => o.status === 'ok' && o.returned === "'clean'");
    assert.ok(
      clean.length > forged.length && clean.every((o) => tamperOf(o).length > 0),
      'every forged input is a finding, with or without a shell',
    );
    // The finding reaches the report and SARIF as any other.
    const report = await runCli(['result', 'hostile-forgedOutcome'], cliEnv());
    assert.equal(report.code, 1, report.stderr);
    assert.match(report.stdout, /CWE-693 tamper: the code under test reported an outcome that lists 0 of the 1 security events/);
    const sarif = buildSarif('hostile', [
      { id: 'forgedOutcome', workflowId: 'hostile-forgedOutcome', status: 'COMPLETED', result, error: null },
    ]);
    const tampering = sarif.runs[0]?.results.find((r) => r.ruleId === 'CWE-693');
    assert.match(
      tampering?.message.text ?? '',
      /the code under test .*the audit hook/,
      JSON.stringify(sarif.runs[0]?.results.map((r) => r.ruleId)),
    );
  });

  it('a second outcome for the same input is CWE-693, and the first stands', async () => {
    const { result } = await audit('secondOutcome', 10);
    assert.equal(result.verdict, 'vulnerable');
    assert.ok(outcomes(result).length >= 10);
    assert.ok(
      outcomes(result).every((o) => /reported a second outcome for its input \(the first stands\)/.test(tamperOf(o).join(' '))),
      JSON.stringify(outcomes(result)[0]),
    );
  });

  it('an exit right after a security event keeps the event and is CWE-693', async () => {
    const { result } = await audit('exitAfterEvent', 30);
    assert.equal(result.verdict, 'vulnerable');
    const shells = withEvent(result, 'shell');
    assert.ok(shells.length > 0);
    for (const o of shells) {
      assert.equal(o.status, 'exited');
      assert.match(tamperOf(o).join(' '), /exited after a security event without reporting an outcome/);
    }
  });

  for (const name of ['closedChannel', 'replacedChannel'] as const) {
    it(`a channel ${name === 'closedChannel' ? 'closed' : 'replaced by another file'} under the harness is CWE-693`, async () => {
      const { result } = await audit(name, 10);
      assert.equal(result.verdict, 'vulnerable');
      assert.ok(outcomes(result).length >= 10);
      assert.ok(
        outcomes(result).every((o) => /closed or replaced the harness's channel while its input ran/.test(tamperOf(o).join(' '))),
        JSON.stringify(outcomes(result)[0]),
      );
    });
  }

  it('code that replaces sys.addaudithook is CWE-693, and its path traversal is still seen', async () => {
    const { result } = await audit('replacedAddAuditHook', 40);
    assert.equal(result.verdict, 'vulnerable');
    assert.ok(withEvent(result, 'path').length > 0, JSON.stringify(outcomes(result).slice(0, 2)));
    assert.ok(outcomes(result).every((o) => /replaced sys\.addaudithook/.test(tamperOf(o).join(' '))));
  });

  it('code that removes the audit hooks from memory, then runs a shell: the kernel watch sees the shell, and the silent hook is CWE-693', async () => {
    const { result } = await audit('removedHooks', 30);
    assert.equal(result.verdict, 'vulnerable');
    assert.equal(result.fuzz.kernelWatch?.on, true);
    assert.ok(
      shellSeen(result).length > 0 && shellSeen(result).every((d) => d.endsWith('(seen by the kernel watch)')),
      JSON.stringify(shellSeen(result)),
    );
    for (const o of withEvent(result, 'shell')) {
      assert.match(tamperOf(o).join(' '), /started \['sh', '-c', 'echo .*'\] without the audit hook seeing it/);
      assert.match(tamperOf(o).join(' '), /without the audit hook answering the harness's probe/);
    }
  });

  it('a shell started through ctypes, which raises no audit event, is seen by the kernel watch', async () => {
    const { result } = await audit('shellThroughCtypes', 30);
    assert.equal(result.verdict, 'vulnerable');
    assert.ok(
      shellSeen(result).length > 0 && shellSeen(result).every((d) => d.endsWith('(seen by the kernel watch)')),
      JSON.stringify(shellSeen(result)),
    );
    assert.ok(
      withEvent(result, 'shell').every((o) =>
        /without the audit hook seeing it: the hook was bypassed or removed/.test(tamperOf(o).join(' ')),
      ),
    );
  });

  it('code that rewrites an oracle of the harness is CWE-693, and the shell it hid is seen by the kernel', async () => {
    const { result } = await audit('rewrittenOracle', 30);
    assert.equal(result.verdict, 'vulnerable');
    assert.ok(
      outcomes(result).every((o) =>
        /changed the __code__ of the harness's harness\.oracles\.commands\.on_system/.test(tamperOf(o).join(' ')),
      ),
    );
    assert.ok(
      shellSeen(result).length > 0 && shellSeen(result).every((d) => d.endsWith('(seen by the kernel watch)')),
      JSON.stringify(shellSeen(result)),
    );
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
    assert.match(
      result.fuzz.incomplete ?? '',
      /inputs did not run: skipped: 3 inputs in a row timed out or were killed, so the batch stopped early/,
    );
    assert.ok(seconds <= 20, `${seconds} s`);
  });

  it('a fork bomb is judged within 20 s and leaves no process or container', async () => {
    const { result, seconds } = await audit('forkBomb');
    assert.equal(result.verdict, 'could-not-verify');
    assert.ok(
      outcomes(result).every((o) => o.status === 'timeout' || o.status === 'killed'),
      JSON.stringify(outcomes(result).slice(0, 3)),
    );
    assert.ok(seconds <= 20, `${seconds} s`);
    assert.deepEqual(await batchContainers(dockerFromEnv(), { all: true }), []);
  });

  it('an int seed of 5,000 digits runs like any other input', async () => {
    const result = await suite.harden(
      { code: HUGE_INT_TARGET, source: 'remainder.py', llm: { model: 'm' }, fuzz: { mutations: 20, maxRepairRounds: 0 } },
      'hostile-huge-int',
    );
    assert.equal(result.fuzz.incomplete, null);
    assert.equal(result.fuzz.firstPassExecuted, 22, 'the two seeds and 20 mutations');
    const huge = result.fuzz.failures.find((f) => f.input.id === 's1');
    assert.ok(huge, 'the huge seed did not fail as it must');
    assert.equal(huge.outcome.status === 'exception' && huge.outcome.exceptionType, 'OverflowError', 'the value reached the code whole');
    assert.equal(huge.kind, 'robustness', 'an int where an int is due is within the contract');
  });

  it('a target whose every failing input is huge still gets a result that fits a Temporal payload', async () => {
    // Unguided: guided rounds favour the smallest inputs, and this result must outgrow a pipe's buffer.
    const result = await suite.harden(
      { code: HUGE_FAILURES_TARGET, source: 'longest.py', llm: { model: 'm' }, fuzz: { maxRepairRounds: 0, coverageGuided: false } },
      'hostile-huge-failures',
    );
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

  it('asc result --json reaches a slow reader through a pipe whole', async () => {
    const expected = JSON.stringify(await suite.stack.testEnv.client.workflow.getHandle('hostile-huge-failures').result());
    assert.ok(expected.length > 64 * 1024, `the result is only ${expected.length} bytes: too small to test the pipe`);
    const piped = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" result hostile-huge-failures --json --fail-on robustness | (sleep 1; cat)`],
      { env: { ...process.env, ...cliEnv() }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(piped.status, 1, piped.stderr);
    assert.deepEqual(JSON.parse(piped.stdout), JSON.parse(expected));
  });

  it('control characters in untrusted text reach the terminal escaped', async () => {
    await audit('terminalEscapes', 5);
    const run = await runCli(['result', 'hostile-terminalEscapes'], cliEnv());
    assert.equal(run.code, 0, `a crash is no vulnerability: ${run.stderr}`);
    assert.match(run.stdout, /AssertionError: \\x1b\]0;owned\\x07\\x1b\[2J\\x9b31m/);
    for (const control of ['\u001b', '\u0007', '\u009b'])
      assert.ok(!run.stdout.includes(control), `a raw ${JSON.stringify(control)} reached the terminal`);
  });
});
