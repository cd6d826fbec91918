import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { reapLeftovers, SANDBOX_LABEL } from '../src/activities/sandbox/container.js';
import { runBatchInContainer } from '../src/activities/sandbox/session.js';
import type { FuzzValue } from '../src/common/fuzz-value.js';
import { RunBatchInputSchema, SANDBOX_LIMITS, type FuzzCase, type FuzzOutcome, type SecurityEvent } from '../src/common/sandbox.js';
import { dockerFromEnv } from '../src/workers/create.js';

/** Every test here runs untrusted code in a real locked-down container. */

const docker = dockerFromEnv();
const image = process.env.ASC_SANDBOX_IMAGE ?? 'autosafecoder-sandbox:latest';

const str = (id: string, value: string): FuzzCase => ({ id, args: [{ type: 'str', value }] });
const withArgs = (id: string, ...args: FuzzValue[]): FuzzCase => ({ id, args });

async function run(
  code: string,
  cases: FuzzCase[],
  options: {
    timeoutMsPerInput?: number;
    entry?: 'call' | 'route' | 'module';
    params?: string[];
    fn?: string;
    labels?: Record<string, string>;
    coverage?: boolean;
  } = {},
) {
  const input = RunBatchInputSchema.parse({
    code,
    function: options.fn ?? 'target',
    entry: options.entry,
    params: options.params,
    cases,
    timeoutMsPerInput: options.timeoutMsPerInput ?? 1000,
    label: 'test',
    coverage: options.coverage,
  });
  const result = await runBatchInContainer(docker, image, input, SANDBOX_LIMITS, {
    onOutcome: () => undefined,
    signal: new AbortController().signal,
    labels: options.labels,
  });
  return { ...result, byId: new Map<string, FuzzOutcome>(result.outcomes.map((o) => [o.id, o.outcome])) };
}

/** An input's outcome, without the lines it reached (the coverage test looks at those). */
function outcome(byId: Map<string, FuzzOutcome>, id: string): FuzzOutcome {
  const found = byId.get(id);
  assert.ok(found, `no outcome for ${id}`);
  const rest = { ...found };
  delete rest.lines;
  return rest;
}

function events(byId: Map<string, FuzzOutcome>, id: string): SecurityEvent[] {
  return outcome(byId, id).events;
}

async function sandboxContainers(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } })).length;
}

const BASICS = `
import os

def target(x):
    if x == "reject":
        raise ValueError("rejected on purpose")
    if x == "exit":
        os._exit(3)
    if x == "print":
        print("noise that must not reach the protocol")
        return "printed"
    return 10 // len(x)
`;

describe('sandbox: outcomes of each input', () => {
  it('reports ok, crash (with its line), deliberate rejection, exit and printed output', async () => {
    const { byId, loadError, coverable } = await run(
      BASICS,
      [str('ok', 'abc'), str('crash', ''), str('reject', 'reject'), str('exit', 'exit'), str('print', 'print')],
      { coverage: true },
    );
    assert.equal(loadError, null);
    assert.deepEqual(coverable, [5, 6, 7, 8, 9, 10, 11, 12], 'the body of the function under test');
    assert.deepEqual(byId.get('ok')?.lines, [5, 7, 9, 12], 'the lines each input reached');
    assert.deepEqual(byId.get('reject')?.lines, [5, 6]);
    assert.deepEqual(outcome(byId, 'ok'), { status: 'ok', returned: '3', events: [] });
    assert.deepEqual(outcome(byId, 'crash'), {
      status: 'exception',
      exceptionType: 'ZeroDivisionError',
      message: 'integer division or modulo by zero',
      line: 12,
      events: [],
    });
    assert.equal(outcome(byId, 'reject').status, 'rejected');
    assert.equal(outcome(byId, 'exit').status, 'exited');
    const printed = outcome(byId, 'print');
    assert.equal(printed.status === 'ok' && printed.returned, "'printed'");
    assert.deepEqual(printed.output, { bytes: 39, head: 'noise that must not reach the protocol\n', truncated: false });
  });

  it('reports code that cannot load, and a missing function, marking every input not run', async () => {
    const broken = await run('from json import no_such_name\ndef target(x):\n    return x\n', [str('a', 'x')]);
    assert.match(
      broken.loadError ?? '',
      /ImportError: cannot import name 'no_such_name'/,
      'a module that exists is never replaced by a stub',
    );
    assert.equal(broken.outcomes[0]?.outcome.status, 'not-run');
    const missing = await run('def other(x):\n    return x\n', [str('a', 'x')]);
    assert.match(missing.loadError ?? '', /no function named 'target'/);
  });
});

const BREAKOUT = `
import os
import socket
import time

def target(action, arg):
    if action == "connect":
        socket.create_connection((arg, 80), timeout=1)
    elif action == "write":
        with open(arg, "w") as f:
            f.write("owned")
    elif action == "environ":
        return sorted(os.environ)
    elif action == "exists":
        return os.path.exists(arg)
    elif action == "forkbomb":
        while True:
            os.fork()
    elif action == "memory":
        hog = []
        while True:
            hog.append(bytearray(10 * 1024 * 1024))
    elif action == "loop":
        while True:
            pass
    elif action == "flood":
        chunk = "x" * 65536
        while True:
            print(chunk)
    elif action == "sleep":
        time.sleep(60)
    elif action == "killparent":
        os.kill(os.getppid(), 9)
        return "parent still there"
    elif action == "daemon":
        if os.fork() == 0:
            os.setsid()
            time.sleep(600)
        return "daemon started"
    elif action == "processes":
        return len([p for p in os.listdir("/proc") if p.isdigit()])
    elif action == "whoami":
        return (os.getuid(), os.getgid())
    return "fine"
`;

const act = (id: string, action: string, arg = ''): FuzzCase => withArgs(id, { type: 'str', value: action }, { type: 'str', value: arg });

describe('sandbox: attempts to break out are contained and leave the sandbox healthy', () => {
  it('no network: neither loopback nor another address is reachable', async () => {
    const { byId } = await run(
      BREAKOUT,
      [act('loopback', 'connect', '127.0.0.1'), act('remote', 'connect', '10.1.2.3'), act('after', 'noop')],
      { fn: 'target' },
    );
    for (const id of ['loopback', 'remote']) {
      const o = outcome(byId, id);
      assert.equal(o.status, 'exception', `${id}: ${JSON.stringify(o)}`);
      assert.match(
        o.status === 'exception' ? `${o.exceptionType}: ${o.message}` : '',
        /ConnectionRefusedError|OSError: \[Errno 101\] Network is unreachable|TimeoutError/,
      );
      assert.ok(
        events(byId, id).some((e) => e.cwe === 'CWE-918'),
        `${id}: no SSRF event`,
      );
    }
    assert.equal(outcome(byId, 'after').status, 'ok');
  });

  it('a read-only root and nothing of the host: no writes outside the work dir, no host files, no host environment', async () => {
    const { byId } = await run(BREAKOUT, [
      act('etc', 'write', '/etc/owned'),
      act('work', 'write', '/work/note.txt'),
      act('env', 'environ'),
      act('host', 'exists', '/work/main/package.json'),
      act('docker', 'exists', '/var/run/docker.sock'),
      act('user', 'whoami'),
    ]);
    const etc = outcome(byId, 'etc');
    assert.match(etc.status === 'exception' ? etc.message : '', /Read-only file system|Permission denied/);
    assert.equal(outcome(byId, 'work').status, 'ok', 'the tmpfs work dir is writable');
    const env = outcome(byId, 'env');
    assert.equal(env.status, 'ok');
    assert.doesNotMatch(env.status === 'ok' ? env.returned : '', /OPENAI|ASC_|TEMPORAL|DOCKER/);
    for (const id of ['host', 'docker']) assert.deepEqual(outcome(byId, id), { status: 'ok', returned: 'False', events: [] });
    assert.deepEqual(outcome(byId, 'user'), { status: 'ok', returned: '(65534, 65534)', events: [] });
  });

  it('a fork bomb, unbounded memory, an infinite loop, a flood of output and a long sleep are each cut off', async () => {
    const { byId } = await run(
      BREAKOUT,
      [
        act('forkbomb', 'forkbomb'),
        act('memory', 'memory'),
        act('loop', 'loop'),
        act('flood', 'flood'),
        act('sleep', 'sleep'),
        act('after', 'processes'),
      ],
      { timeoutMsPerInput: 1500 },
    );
    assert.ok(['exception', 'timeout', 'killed'].includes(outcome(byId, 'forkbomb').status), JSON.stringify(outcome(byId, 'forkbomb')));
    const memory = outcome(byId, 'memory');
    assert.ok(
      (memory.status === 'exception' && memory.exceptionType === 'MemoryError') || memory.status === 'killed',
      JSON.stringify(memory),
    );
    assert.equal(outcome(byId, 'loop').status, 'timeout');
    const flood = outcome(byId, 'flood');
    assert.equal(flood.output?.truncated, true, JSON.stringify(flood));
    assert.equal(flood.output?.bytes, SANDBOX_LIMITS.outputCapBytes);
    assert.equal(outcome(byId, 'sleep').status, 'timeout');
    assert.deepEqual(
      outcome(byId, 'after'),
      { status: 'ok', returned: '3', events: [] },
      'only the supervisor, the process holding the code and this input run afterwards',
    );
  });

  it('killing the process that holds the code costs a reload, and a daemon left behind is killed before the next input', async () => {
    const { byId, incomplete } = await run(BREAKOUT, [act('kill', 'killparent'), act('daemon', 'daemon'), act('after', 'processes')]);
    assert.equal(outcome(byId, 'kill').status, 'ok', 'what the input reported before its parent died stands');
    assert.equal(outcome(byId, 'daemon').status, 'ok');
    assert.deepEqual(outcome(byId, 'after'), { status: 'ok', returned: '3', events: [] });
    assert.equal(incomplete, null);
  });
});

/** Programs and connections started in ways honest code does, and in ways the audit hooks cannot see. */
const KERNEL = `
import ctypes
import multiprocessing
import os
import socket
import struct
import subprocess
import sys
import time

def target(action, arg):
    if action == "honest":
        subprocess.run(["ls", "/work"], capture_output=True)
        subprocess.run("echo " + arg, shell=True, capture_output=True)
        os.system("true")
        os.popen("echo hi").read()
        os.waitpid(os.posix_spawn("/bin/true", ["true"], os.environ), 0)
        os.waitpid(os.posix_spawnp("true", ["true"], os.environ), 0)
        child = os.fork()
        if child == 0:
            os.execvp("true", ["true"])
        os.waitpid(child, 0)
        subprocess.run([sys.executable, "-c", "import os; os.system('true')"])
        import pexpect
        pexpect.run("echo " + arg)
        child = os.fork()
        if child == 0:
            os.closerange(3, 1024)
            os.execv("/bin/true", ["true"])
        os.waitpid(child, 0)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            return pool.map(abs, [-1, -2])
    elif action == "connect":
        libc = ctypes.CDLL(None)
        address = struct.pack("H", socket.AF_INET) + struct.pack("!H4s8x", 80, socket.inet_aton(arg))
        return libc.connect(libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0), address, len(address))
    elif action == "sendto":
        libc = ctypes.CDLL(None)
        address = struct.pack("H", socket.AF_INET) + struct.pack("!H4s8x", 53, socket.inet_aton(arg))
        return libc.sendto(libc.socket(socket.AF_INET, socket.SOCK_DGRAM, 0), b"x", 1, 0, address, len(address))
    elif action == "filter":
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(22, 2, 0, 0, 0), ctypes.get_errno()
    elif action == "i386":
        import mmap
        page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        page.write(b"\\xb8\\x14\\x00\\x00\\x00\\xcd\\x80\\xc3")  # mov eax, 20 (getpid); int 0x80; ret
        return ctypes.CFUNCTYPE(ctypes.c_long)(ctypes.addressof(ctypes.c_char.from_buffer(page)))()
    elif action == "fork":
        if os.fork() == 0:
            os.system("echo " + arg)
            os._exit(0)
        os.wait()
    elif action == "hang":
        os.system("echo " + arg)
        time.sleep(60)
`;

describe('sandbox: evidence the code cannot erase (streamed events, the kernel watch)', () => {
  const tamper = (byId: Map<string, FuzzOutcome>, id: string) => events(byId, id).filter((e) => e.kind === 'tamper');

  it('programs and interpreters started as honest code starts them are no tampering, and the watch says it is on', async () => {
    const { byId, kernelWatch } = await run(KERNEL, [act('honest', 'honest', 'hello')], { timeoutMsPerInput: 10_000 });
    assert.equal(kernelWatch?.on, true, JSON.stringify(kernelWatch));
    assert.deepEqual(outcome(byId, 'honest'), { status: 'ok', returned: '[1, 2]', events: [] });
  });

  it('a connection no audit hook sees (through libc) is seen by the kernel when the input chose the host', async () => {
    const { byId } = await run(KERNEL, [act('chosen', 'connect', '10.1.2.3')]);
    assert.deepEqual(events(byId, 'chosen'), [
      { kind: 'network', cwe: 'CWE-918', detail: "connects to ('10.1.2.3', 80), a host from the input (seen by the kernel watch)" },
    ]);
    const untainted = await run(KERNEL.replace('socket.inet_aton(arg)', 'socket.inet_aton("10.9.9.9")'), [act('other', 'connect', 'x')]);
    assert.deepEqual(events(untainted.byId, 'other'), [], 'a host the input did not name is no SSRF');
  });

  it('a datagram sent through libc to a host the input chose is seen (even to port 53)', async () => {
    const { byId } = await run(KERNEL, [act('udp', 'sendto', '10.1.2.3')]);
    assert.deepEqual(events(byId, 'udp'), [
      { kind: 'network', cwe: 'CWE-918', detail: "connects to ('10.1.2.3', 53), a host from the input (seen by the kernel watch)" },
    ]);
  });

  it("a call the code's own audit hook (added as it loads) vetoes is not judged: it never ran", async () => {
    const code = `import os\nimport sys\n\ndef refuse(event, args):\n    if event == "os.system":\n        raise RuntimeError("os.system is not allowed here")\n\nsys.addaudithook(refuse)\n\ndef target(command):\n    os.system("echo " + command)\n`;
    const { byId } = await run(code, [str('veto', '; id')]);
    const o = outcome(byId, 'veto');
    assert.equal(o.status === 'rejected' && o.message, 'os.system is not allowed here', JSON.stringify(o));
    assert.deepEqual(o.events, []);
  });

  it("a seccomp filter of the code's own is refused and is CWE-693", async () => {
    const { byId } = await run(KERNEL, [act('filter', 'filter')]);
    const o = outcome(byId, 'filter');
    assert.equal(o.status === 'ok' && o.returned, '(-1, 1)', 'EPERM');
    assert.match(tamper(byId, 'filter')[0]?.detail ?? '', /tried to install a seccomp filter of its own/);
  });

  it('a system call through the i386 ABI is refused and is CWE-693', async () => {
    const { byId } = await run(KERNEL, [act('i386', 'i386')]);
    const o = outcome(byId, 'i386');
    assert.equal(o.status === 'ok' && o.returned, '-38', 'ENOSYS');
    assert.match(
      tamper(byId, 'i386')[0]?.detail ?? '',
      /made a system call through another ABI \(arch 0x40000003, call 20\), which Python never does; it was refused/,
    );
  });

  it("events of a process the input forked stand beside the child's own outcome, which need not list them", async () => {
    const { byId } = await run(KERNEL, [act('fork', 'fork', '; id')]);
    assert.deepEqual(
      events(byId, 'fork').map((e) => e.kind),
      ['shell'],
    );
  });

  it('an event streamed before the input hung is kept with its timeout', async () => {
    const { byId } = await run(KERNEL, [act('hang', 'hang', '; id')], { timeoutMsPerInput: 1000 });
    const o = outcome(byId, 'hang');
    assert.equal(o.status, 'timeout');
    assert.deepEqual(
      o.events.map((e) => e.cwe),
      ['CWE-78'],
    );
  });
});

const ORACLES = `
import marshal
import os
import pickle
import shutil
import subprocess
import yaml

def target(kind, value):
    if kind == "system":
        os.system("echo " + value)
    elif kind == "program":
        subprocess.run([value, "--version"], capture_output=True)
    elif kind == "listarg":
        subprocess.run(["echo", value], capture_output=True)
    elif kind == "eval":
        return eval(value)
    elif kind == "literal":
        import ast
        return ast.literal_eval(value)
    elif kind == "parse":
        import ast
        return ast.dump(ast.parse(value))
    elif kind == "treeexec":
        import ast
        exec(compile(ast.parse(value), "<string>", "exec"))
    elif kind == "read":
        with open(os.path.join(os.getcwd(), value)) as f:
            return f.read(20)
    elif kind == "fetch":
        import urllib.request
        try:
            urllib.request.urlopen(value, timeout=1)
        except OSError:
            return "unreachable"
    elif kind == "fetchfixed":
        import urllib.request
        try:
            urllib.request.urlopen("http://10.9.8.7/items/" + value, timeout=1)
        except OSError:
            return "unreachable"
    elif kind == "lookup":
        import ipaddress
        import socket
        try:
            address = socket.getaddrinfo(value, 80)[0][4][0]
        except OSError:
            return "unresolvable"
        return ipaddress.ip_address(address).is_global
    elif kind == "readgiven":
        with open(value) as f:
            return f.read(20)
    elif kind == "mkdir":
        os.mkdir("/tmp/" + value)
    elif kind == "remove":
        os.remove(os.path.join("/tmp/uploads", value))
    elif kind == "removegiven":
        os.remove(value)
    elif kind == "move":
        shutil.move("/tmp/report.txt", os.path.join("/tmp/archive", value))
    elif kind == "pickle":
        return pickle.loads(bytes.fromhex(value))
    elif kind == "marshal":
        return marshal.loads(bytes.fromhex(value))
    elif kind == "yaml":
        return yaml.load(value, Loader=yaml.Loader)
    elif kind == "safeyaml":
        return yaml.safe_load(value)
    elif kind == "template":
        from jinja2 import Template
        return Template("Hello " + value).render()
    elif kind == "safetemplate":
        from jinja2 import Template
        return Template("Hello {{ name }}").render(name=value)
    elif kind in ("sql", "safesql"):
        import sqlite3
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE users (name TEXT)")
        if kind == "sql":
            return db.execute("SELECT * FROM users WHERE name = '" + value + "'").fetchall()
        return db.cursor().execute("SELECT * FROM users WHERE name = ?", (value,)).fetchall()
`;

describe('sandbox: security oracles (audit hooks) flag what the input made the code do', () => {
  it('maps shell and SQL injection, input-chosen programs, eval of data, template injection, path traversal and deserialisation to CWEs', async () => {
    const { byId } = await run(ORACLES, [
      act('system', 'system', 'hi; id'),
      act('system-benign', 'system', 'hello'),
      act('program', 'program', '/usr/bin/python3'),
      act('listarg', 'listarg', 'hello; id'),
      act('eval', 'eval', '__import__("os").getpid()'),
      act('literal', 'literal', '{"a": [1, 2]}'),
      act('parse', 'parse', '__import__("os").getpid()'),
      act('treeexec', 'treeexec', '__import__("os").getpid()'),
      act('read', 'read', '../../etc/passwd'),
      act('read-benign', 'read', 'report.txt'),
      act('readgiven', 'readgiven', '/etc/passwd'),
      act('mkdir', 'mkdir', '../etc/x'),
      act('mkdir-benign', 'mkdir', 'uploads'),
      act('remove', 'remove', '../../etc/passwd'),
      act('remove-tmp', 'remove', '../report.txt'),
      act('removegiven', 'removegiven', '/etc/passwd'),
      act('move', 'move', '../../etc/cron.d/job'),
      act('fetch', 'fetch', 'http://169.254.169.254/latest/meta-data/'),
      act('fetchfixed', 'fetchfixed', 'report'),
      act('fetchname', 'fetch', 'http://localhost:8080/admin'),
      act('lookup', 'lookup', 'localhost'),
      act('pickle', 'pickle', '80049505000000000000008c0161942e'),
      act('marshal', 'marshal', 'e901000000'),
      act('yaml', 'yaml', 'a: 1'),
      act('safeyaml', 'safeyaml', 'a: 1'),
      act('template', 'template', '{{ 7 * 7 }}'),
      act('safetemplate', 'safetemplate', '{{ 7 * 7 }}'),
      act('sql', 'sql', "x' OR '1'='1"),
      act('safesql', 'safesql', "x' OR '1'='1"),
    ]);
    const cwes = (id: string) => events(byId, id).map((e) => e.cwe);
    assert.deepEqual(cwes('system'), ['CWE-78']);
    assert.deepEqual(cwes('system-benign'), [], 'a plain word in a shell command is not an injection');
    assert.deepEqual(cwes('program'), ['CWE-78']);
    assert.deepEqual(cwes('listarg'), [], 'an argv element is not parsed by a shell');
    assert.deepEqual(cwes('eval'), ['CWE-95']);
    assert.deepEqual(cwes('literal'), [], 'ast.literal_eval parses data, it runs nothing');
    assert.deepEqual(cwes('parse'), [], 'parsing input into a tree runs nothing');
    assert.deepEqual(cwes('treeexec'), ['CWE-95'], 'a tree parsed from input and then run is evaluation');
    const read = outcome(byId, 'read');
    assert.equal(read.status, 'ok', 'nothing crashed: only the oracle sees it');
    assert.deepEqual(cwes('read'), ['CWE-22']);
    assert.match(events(byId, 'read')[0]?.detail ?? '', /opens \/etc\/passwd/);
    assert.deepEqual(cwes('read-benign'), []);
    assert.deepEqual(cwes('readgiven'), [], 'a function asked to open a path may open exactly that path');
    assert.deepEqual(cwes('mkdir'), ['CWE-22']);
    assert.match(events(byId, 'mkdir')[0]?.detail ?? '', /creates the directory \/etc\/x/);
    assert.equal(outcome(byId, 'mkdir').status, 'exception', 'the read-only root refused it after the audit hook saw it');
    assert.deepEqual(cwes('mkdir-benign'), [], 'a name with no "../" stays in /tmp');
    assert.deepEqual(cwes('remove'), ['CWE-22']);
    assert.match(events(byId, 'remove')[0]?.detail ?? '', /removes \/etc\/passwd/);
    assert.deepEqual(cwes('remove-tmp'), [], 'a "../" that stays inside /tmp is no traversal');
    assert.deepEqual(cwes('removegiven'), [], 'a function asked to remove a path may remove exactly that path');
    assert.deepEqual(cwes('move'), ['CWE-22'], 'the destination of a move counts too');
    assert.match(events(byId, 'move')[0]?.detail ?? '', /moves a file to \/etc\/cron\.d\/job/);
    assert.deepEqual(cwes('fetch'), ['CWE-918'], 'a URL from the input names the host the code connects to');
    assert.deepEqual(cwes('fetchfixed'), [], "a host of the code's own, with the input in its path, is no SSRF");
    assert.deepEqual(cwes('fetchname'), ['CWE-918'], 'a library resolving an internal name from the input is about to connect');
    assert.deepEqual(cwes('lookup'), [], 'the code looking a host up itself (to validate it) connects nowhere');
    assert.deepEqual(cwes('pickle'), ['CWE-502']);
    assert.deepEqual(cwes('marshal'), ['CWE-502']);
    assert.deepEqual(cwes('yaml'), ['CWE-502']);
    assert.deepEqual(cwes('safeyaml'), []);
    assert.deepEqual(cwes('template'), ['CWE-1336'], 'server-side template injection');
    assert.deepEqual(outcome(byId, 'template'), { status: 'ok', returned: "'Hello 49'", events: events(byId, 'template') });
    assert.deepEqual(cwes('safetemplate'), [], 'input passed as a template variable is data');
    assert.deepEqual(cwes('sql'), ['CWE-89'], 'SQL built from input with quotes');
    assert.equal(outcome(byId, 'sql').status, 'ok', 'the injection ran without a crash');
    assert.deepEqual(cwes('safesql'), [], 'a bound parameter is data');
  });
});

const FLASK_APP = `
from flask import Flask, request, send_file

app = Flask(__name__)

@app.route('/divide')
def divide():
    a = int(request.args.get('a', '1'))
    b = int(request.args.get('b', '1'))
    return str(a // b)

@app.route('/download')
def download():
    return send_file('/work/static/' + request.args['file'])
`;

describe('sandbox: Flask route handlers run through the test client', () => {
  it('drives a route with query arguments and reports its crashes', async () => {
    const { byId, loadError } = await run(
      FLASK_APP,
      [
        withArgs('ok', { type: 'str', value: '6' }, { type: 'str', value: '3' }),
        withArgs('zero', { type: 'str', value: '6' }, { type: 'str', value: '0' }),
        withArgs('nan', { type: 'str', value: 'six' }, { type: 'str', value: '3' }),
      ],
      {
        fn: 'divide',
        entry: 'route',
        params: ['args.a', 'args.b'],
      },
    );
    assert.equal(loadError, null);
    assert.deepEqual(outcome(byId, 'ok'), { status: 'ok', returned: "'200 2'", events: [] });
    const zero = outcome(byId, 'zero');
    assert.equal(zero.status === 'exception' && zero.exceptionType, 'ZeroDivisionError');
    assert.equal(zero.status === 'exception' && zero.line, 10);
    const nan = outcome(byId, 'nan');
    assert.equal(nan.status === 'exception' && nan.exceptionType, 'ValueError');
  });

  it('flags path traversal through a route', async () => {
    const { byId } = await run(FLASK_APP, [str('traversal', '../../etc/passwd')], {
      fn: 'download',
      entry: 'route',
      params: ['args.file'],
    });
    assert.deepEqual(
      events(byId, 'traversal').map((e) => e.cwe),
      ['CWE-22'],
    );
  });
});

const LATER_ORACLES = `
import logging
import re
import xml.etree.ElementTree as ET
from lxml import etree

log = logging.getLogger("app")
USERS = ET.fromstring('<users><user name="a"/></users>')
XXE_DOC = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>'

def target(kind, value):
    if kind == "log":
        log.info("login by %s", value)
    elif kind == "safelog":
        log.info("login by %r", value)
    elif kind == "jsonlog":
        import json
        class JsonFormatter(logging.Formatter):
            def format(self, record):
                return json.dumps({"message": record.getMessage()})
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        audit = logging.getLogger("audit")
        audit.addHandler(handler)
        audit.warning("login by %s", value)
    elif kind == "regex":
        return re.search(value, "aaaa") is not None
    elif kind == "saferegex":
        return re.search(re.escape(value), "aaaa") is not None
    elif kind == "mysql":
        import MySQLdb
        db = MySQLdb.connect(host="db.internal", user="app", passwd="secret", db="app")
        cursor = db.cursor()
        cursor.execute("SELECT * FROM users WHERE name = '%s'" % value)
        return cursor.fetchall()
    elif kind == "safemysql":
        import MySQLdb
        cursor = MySQLdb.connect(host="db.internal").cursor()
        cursor.execute("SELECT * FROM users WHERE name = %s", (value,))
        return cursor.fetchall()
    elif kind == "ldap3":
        import ldap3
        conn = ldap3.Connection(ldap3.Server("ldap://10.9.8.7"))
        conn.search("dc=example,dc=org", "(uid=" + value + ")")
    elif kind == "safeldap3":
        import ldap3
        from ldap3.utils.conv import escape_filter_chars
        conn = ldap3.Connection(ldap3.Server("ldap://10.9.8.7"))
        conn.search("dc=example,dc=org", "(uid=" + escape_filter_chars(value) + ")")
    elif kind == "xpath":
        return len(USERS.findall("./user[@name='" + value + "']"))
    elif kind == "safexpath":
        return etree.XPath("//user[@name=$name]")(etree.fromstring('<users><user name="a"/></users>'), name=value)
    elif kind == "xxe":
        return etree.fromstring(value).text
    elif kind == "safexxe":
        return etree.fromstring(value, etree.XMLParser(resolve_entities=False, no_network=True)).text
`;

const WEB_ORACLES = `
from flask import Flask, request, redirect, make_response
from markupsafe import escape
from urllib.parse import urlparse

app = Flask(__name__)

@app.route('/search')
def search():
    return 'Results for ' + request.args.get('q', '')

@app.route('/safesearch')
def safesearch():
    return 'Results for ' + escape(request.args.get('q', ''))

@app.route('/api')
def api():
    return {'query': request.args.get('q', '')}

@app.route('/go')
def go():
    return redirect(request.args.get('q', '/'))

@app.route('/safego')
def safego():
    target = request.args.get('q', '/')
    if urlparse(target).hostname not in (None, 'example.com'):
        return redirect('/')
    return redirect(target)
`;

describe('sandbox: oracles for injection into logs, regexes, LDAP, XPath, XML and web responses', () => {
  it('flags each weakness the input reaches, and stays quiet where the code escapes or validates', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>';
    const { byId, stubbed } = await run(LATER_ORACLES, [
      act('log', 'log', 'bob\nINFO admin logged in'),
      act('log-benign', 'log', 'bob'),
      act('safelog', 'safelog', 'bob\nINFO admin logged in'),
      act('regex', 'regex', '(a+)+$'),
      act('regex-benign', 'regex', 'aa'),
      act('saferegex', 'saferegex', '(a+)+$'),
      act('saferegex-backslash', 'saferegex', 'alice\\'),
      act('jsonlog', 'jsonlog', 'bob\nINFO admin logged in'),
      act('mysql', 'mysql', "x' OR '1'='1"),
      act('safemysql', 'safemysql', "x' OR '1'='1"),
      act('safeldap3-backslash', 'safeldap3', 'alice\\'),
      act('ldap3', 'ldap3', '*)(uid=*))(|(uid=*'),
      act('safeldap3', 'safeldap3', '*)(uid=*))(|(uid=*'),
      act('xpath', 'xpath', "' or '1'='1"),
      act('xpath-benign', 'xpath', 'a'),
      act('safexpath', 'safexpath', "' or '1'='1"),
      act('xxe', 'xxe', xxe),
      act('xxe-benign', 'xxe', '<r>root:x:0:0 is just text</r>'),
      act('safexxe', 'safexxe', xxe),
    ]);
    const cwes = (id: string) => events(byId, id).map((e) => e.cwe);
    assert.deepEqual(cwes('log'), ['CWE-117'], 'a line break from the input forges a log record');
    assert.deepEqual(cwes('log-benign'), []);
    assert.deepEqual(cwes('safelog'), [], 'repr() escapes the line break');
    assert.deepEqual(cwes('regex'), ['CWE-1333']);
    assert.deepEqual(cwes('regex-benign'), [], 'plain text used as a pattern carries no regex syntax');
    assert.deepEqual(cwes('saferegex'), []);
    assert.deepEqual(cwes('saferegex-backslash'), [], 'an escaped backslash is a literal one');
    assert.deepEqual(cwes('jsonlog'), [], 'a formatter that escapes the line break writes one record');
    assert.deepEqual(cwes('mysql'), ['CWE-89'], 'a MySQL connection with no server behind it still reports its SQL');
    assert.deepEqual(cwes('safemysql'), []);
    assert.deepEqual(stubbed, ['MySQLdb'], 'the database connection is a stand-in, and the result says so');
    assert.deepEqual(cwes('safeldap3-backslash'), [], 'an escaped backslash is a literal one');
    assert.deepEqual(cwes('ldap3'), ['CWE-90'], 'the filter is recorded before the unreachable server fails');
    assert.deepEqual(cwes('safeldap3'), []);
    assert.deepEqual(cwes('xpath'), ['CWE-643']);
    assert.deepEqual(cwes('xpath-benign'), []);
    assert.deepEqual(cwes('safexpath'), [], 'an XPath variable is data');
    assert.deepEqual(cwes('xxe'), ['CWE-611']);
    assert.match(events(byId, 'xxe')[0]?.detail ?? '', /external entity/);
    assert.deepEqual(cwes('xxe-benign'), [], "the file's text in the input itself proves nothing");
    assert.deepEqual(cwes('safexxe'), []);
  });

  it('flags reflected markup in HTML and redirects to a host from the input, not escaped text, JSON or an allowed host', async () => {
    const probe = async (fn: string, value: string) => {
      const { byId } = await run(WEB_ORACLES, [str('probe', value)], { fn, entry: 'route', params: ['args.q'] });
      return events(byId, 'probe').map((e) => e.cwe);
    };
    assert.deepEqual(await probe('search', '<img src=x onerror=alert(1)>'), ['CWE-79']);
    assert.deepEqual(await probe('search', 'plain words'), []);
    assert.deepEqual(await probe('search', '<b>bold</b>'), [], 'markup that runs nothing is no script injection');
    assert.deepEqual(await probe('safesearch', '<img src=x onerror=alert(1)>'), [], 'escaped markup is text');
    assert.deepEqual(await probe('api', '<img src=x onerror=alert(1)>'), [], 'a JSON response is not rendered as HTML');
    assert.deepEqual(await probe('go', 'https://evil.example.net/'), ['CWE-601']);
    assert.deepEqual(await probe('go', '//evil.example.net/'), ['CWE-601'], 'a scheme-relative URL names a host too');
    assert.deepEqual(await probe('go', '/home'), [], 'a local path is no open redirect');
    assert.deepEqual(await probe('safego', 'https://evil.example.net/'), []);
    assert.deepEqual(await probe('safego', 'https://example.com/next'), [], 'a host the code allows by name is its own choice');
  });
});

describe('sandbox: code with no function that takes input still runs', () => {
  it('runs a module as a program with argv and stdin, a method of a class built without arguments, and a parameterless function', async () => {
    const script =
      'import os, sys\nname = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read()\nos.system("echo " + name)\nif not name:\n    sys.exit(2)\n';
    const list = (...items: string[]): FuzzValue => ({ type: 'list', items: items.map((value) => ({ type: 'str', value })) });
    const text = (value: string): FuzzValue => ({ type: 'str', value });
    const program = await run(
      script,
      [
        withArgs('argv', list('x; id'), text('')),
        withArgs('stdin', list(), text('y; id')),
        withArgs('benign', list('hello'), text('')),
        withArgs('empty', list(), text('')),
      ],
      { fn: '<module>', entry: 'module', params: ['argv', 'stdin'] },
    );
    assert.equal(program.loadError, null);
    assert.deepEqual(
      events(program.byId, 'argv').map((e) => e.cwe),
      ['CWE-78'],
      'input through argv',
    );
    assert.deepEqual(
      events(program.byId, 'stdin').map((e) => e.cwe),
      ['CWE-78'],
      'input through stdin',
    );
    assert.deepEqual(outcome(program.byId, 'benign'), {
      status: 'ok',
      returned: 'None',
      events: [],
      output: { bytes: 6, head: 'hello\n', truncated: false },
    });
    assert.equal(outcome(program.byId, 'empty').status, 'rejected', 'a program that exits with an error code rejects its input on purpose');
    const reader = await run(
      'import sys\nwith open(sys.argv[1]) as f:\n    print(f.read(10))\n',
      [withArgs('given', list('/etc/passwd'), text(''))],
      { fn: '<module>', entry: 'module', params: ['argv', 'stdin'] },
    );
    assert.deepEqual(events(reader.byId, 'given'), [], 'a program may open the file its command line names');

    const method = await run(
      'import os\nclass Manager:\n    def create_dir(self, username):\n        os.makedirs(os.path.join("/tmp", "users", username))\n',
      [str('traversal', '../../etc/cron.d'), str('benign', 'bob')],
      { fn: 'Manager.create_dir' },
    );
    assert.deepEqual(
      events(method.byId, 'traversal').map((e) => e.cwe),
      ['CWE-22'],
    );
    assert.equal(outcome(method.byId, 'benign').status, 'ok');

    const parameterless = await run('import random\ndef token():\n    return random.randint(1, 6)\n', [{ id: 'once', args: [] }], {
      fn: 'token',
    });
    assert.equal(outcome(parameterless.byId, 'once').status, 'ok');
  });

  it('runs code that imports a module the sandbox lacks against a recording stub, and says which', async () => {
    const code =
      'from canvasapi_missing_for_test import Canvas\nimport os\n\ndef courses(url):\n    os.system("echo " + url)\n    return Canvas(url, "key").get_courses()\n';
    const { byId, loadError, stubbed } = await run(code, [str('inject', 'x; id')], { fn: 'courses' });
    assert.equal(loadError, null);
    assert.deepEqual(stubbed, ['canvasapi_missing_for_test']);
    assert.deepEqual(
      events(byId, 'inject').map((e) => e.cwe),
      ['CWE-78'],
      'the rest of the code still runs for real',
    );
    assert.match(
      outcome(byId, 'inject').status === 'ok' ? (outcome(byId, 'inject') as { returned: string }).returned : '',
      /stub canvasapi_missing_for_test\.Canvas\(\)\.get_courses\(\)/,
    );
    const fallback = await run(
      'try:\n    import ujson_missing_for_test as json\nexcept ImportError:\n    import json\n\ndef f(x):\n    return json.dumps(x)\n',
      [str('a', 'a')],
      { fn: 'f' },
    );
    assert.deepEqual(fallback.stubbed, [], 'an import the code guards keeps its fallback');
    assert.deepEqual(outcome(fallback.byId, 'a'), { status: 'ok', returned: '\'"a"\'', events: [] });
    const submodule = await run(
      'import canvas_missing_for_test.sub.deeper as deep\ndef f(x):\n    return repr(deep.thing(x))\n',
      [str('a', 'a')],
      { fn: 'f' },
    );
    assert.deepEqual(submodule.stubbed, ['canvas_missing_for_test']);
    assert.equal(outcome(submodule.byId, 'a').status, 'ok');
  });

  it('gives trusted logger and connection parameters live objects, so the function runs for real', async () => {
    const code =
      'def audit(logger, conn, username):\n    conn.execute("CREATE TABLE t (u TEXT)")\n    conn.execute("INSERT INTO t VALUES (\'" + username + "\')")\n    logger.warning("User name: %s", username)\n';
    const input = RunBatchInputSchema.parse({
      code,
      function: 'audit',
      params: ['logger', 'conn', 'username'],
      roles: ['trusted', 'trusted', 'attacker'],
      cases: [withArgs('inject', { type: 'str', value: 'logger' }, { type: 'str', value: 'conn' }, { type: 'str', value: "x')\r\n--" })],
      timeoutMsPerInput: 2000,
      label: 'test',
    });
    const result = await runBatchInContainer(docker, image, input, SANDBOX_LIMITS, {
      onOutcome: () => undefined,
      signal: new AbortController().signal,
    });
    const found = result.outcomes[0]?.outcome;
    assert.deepEqual(found?.events.map((e) => e.cwe).sort(), ['CWE-117', 'CWE-89']);
  });
});

describe('sandbox: containers are labelled and never left behind', () => {
  it('labels the container with its workflow and activity, and removes it on cancellation', async () => {
    const controller = new AbortController();
    const input = RunBatchInputSchema.parse({
      code: BREAKOUT,
      function: 'target',
      cases: [act('s1', 'sleep'), act('s2', 'sleep')],
      timeoutMsPerInput: 5000,
      label: 'cancel-test',
    });
    const pending = runBatchInContainer(docker, image, input, SANDBOX_LIMITS, {
      onOutcome: () => undefined,
      signal: controller.signal,
      labels: { 'autosafecoder.workflow-id': 'wf-cancel', 'autosafecoder.activity-id': '7' },
    });
    await new Promise((r) => setTimeout(r, 1500));
    const running = await docker.listContainers({
      filters: { label: ['autosafecoder.workflow-id=wf-cancel', 'autosafecoder.activity-id=7'] },
    });
    assert.equal(running.length, 1);
    const started = Date.now();
    controller.abort();
    const result = await pending;
    assert.ok(Date.now() - started < 5000, 'cancellation did not stop the batch');
    assert.ok(result.outcomes.every((o) => o.outcome.status === 'not-run'));
    assert.equal(await sandboxContainers(), 0);
  });

  it('reaps containers a crashed worker left behind, once they are stale', async () => {
    const left = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { [SANDBOX_LABEL]: 'true' } });
    assert.equal(await sandboxContainers(), 1);
    assert.equal(await reapLeftovers(docker), 0, 'a young container may belong to a live worker');
    assert.equal(await reapLeftovers(docker, { stoppedGraceMs: 0, runningMaxAgeMs: 0 }), 1);
    assert.equal(await sandboxContainers(), 0);
    await left.remove({ force: true }).catch(() => undefined);
  });
});

describe('sandbox worker start-up', () => {
  const entry = fileURLToPath(new URL('../src/workers/sandbox.js', import.meta.url));

  it('refuses to start without a Docker engine, and says why', () => {
    const run = spawnSync(process.execPath, [entry], {
      env: { ...process.env, DOCKER_HOST: 'unix:///tmp/asc-no-docker.sock' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot start: the sandbox worker needs a Docker engine and cannot reach one/);
    assert.match(run.stderr, /DOCKER_HOST/);
  });

  it('refuses to start without the sandbox image, naming the build script', () => {
    const run = spawnSync(process.execPath, [entry], {
      env: { ...process.env, ASC_SANDBOX_IMAGE: 'autosafecoder-sandbox:does-not-exist' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /sandbox image autosafecoder-sandbox:does-not-exist is missing: build it with scripts\/build-sandbox-image.sh/,
    );
  });
});
