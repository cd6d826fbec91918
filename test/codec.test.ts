import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { buildAuditTrail } from '../src/client/audit.js';
import { startHarden } from '../src/client/client.js';
import { AesGcmCodec, codecKey, CodecKeyError, ENCRYPTED_ENCODING, keyFromEnv } from '../src/codec/aes-gcm.js';
import { dataConverterFromEnv } from '../src/codec/data-converter.js';
import { createCodecServer } from '../src/codec/server.js';
import { HardenResultSchema } from '../src/common/schemas/index.js';
import { CLI, runCli } from './support/cli.js';
import { DevServer, freePort, waitForOutput, WorkerProcess } from './support/processes.js';

/** The payload codec: AES-256-GCM at rest in Temporal, and the endpoint the Web UI decrypts through. */

const json = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('AES-256-GCM payload codec', () => {
  const key = codecKey(randomBytes(32), 'test');
  const codec = new AesGcmCodec(key);

  it('round-trips payloads and leaves no plaintext in the sealed form', async () => {
    const [sealed] = await codec.encode([json({ code: 'os.system(user_input)' })]);
    assert.ok(sealed);
    assert.equal(text(sealed.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(sealed.metadata?.['encryption-key-id']), key.id);
    assert.ok(!text(sealed.data).includes('os.system'));
    assert.ok(!text(sealed.data).includes('json/plain'), 'the inner metadata is sealed too');
    const [opened] = await codec.decode([sealed]);
    assert.deepEqual(JSON.parse(text(opened?.data)), { code: 'os.system(user_input)' });
    assert.equal(text(opened?.metadata?.encoding), 'json/plain');
    // Fresh IV per payload: the same plaintext never gives the same ciphertext.
    const [again] = await codec.encode([json({ code: 'os.system(user_input)' })]);
    assert.notDeepEqual(again?.data, sealed.data);
  });

  it('passes unencrypted payloads through, and refuses altered ones and other keys by name', async () => {
    const plain = json('from before the codec');
    assert.deepEqual(await codec.decode([plain]), [plain]);
    const [sealed] = await codec.encode([json('x')]);
    assert.ok(sealed?.data);
    const altered = { ...sealed, data: Buffer.from(sealed.data).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await assert.rejects(codec.decode([altered]), /fails authentication: it was altered or damaged/);
    const other = new AesGcmCodec(codecKey(randomBytes(32), 'other'));
    await assert.rejects(
      other.decode([sealed]),
      new RegExp(`encrypted with key ${key.id}, this process holds key [0-9a-f]{16}: set ASC_CODEC_KEY`),
    );
  });

  it('reads the key from ASC_CODEC_KEY (base64 or hex) or ASC_CODEC_KEY_FILE, and says what is wrong with a bad one', async () => {
    const raw = randomBytes(32);
    const id = codecKey(raw, 't').id;
    assert.equal(keyFromEnv({ ASC_CODEC_KEY: raw.toString('base64') })?.id, id);
    assert.equal(keyFromEnv({ ASC_CODEC_KEY: raw.toString('hex') })?.id, id);
    const dir = await mkdtemp(join(tmpdir(), 'asc-key-'));
    await writeFile(join(dir, 'key.b64'), `${raw.toString('base64')}\n`);
    await writeFile(join(dir, 'key.bin'), raw);
    assert.equal(keyFromEnv({ ASC_CODEC_KEY_FILE: join(dir, 'key.b64') })?.id, id);
    assert.equal(keyFromEnv({ ASC_CODEC_KEY_FILE: join(dir, 'key.bin') })?.id, id);
    assert.equal(keyFromEnv({}), null);
    assert.throws(
      () => keyFromEnv({ ASC_CODEC_KEY: randomBytes(16).toString('base64') }),
      (e: unknown) => e instanceof CodecKeyError && /ASC_CODEC_KEY: an AES-256 key is 32 bytes, this one is 16/.test(e.message),
    );
    assert.throws(() => keyFromEnv({ ASC_CODEC_KEY_FILE: join(dir, 'missing') }), /ASC_CODEC_KEY_FILE .*missing: cannot read it/);
    assert.throws(() => keyFromEnv({ ASC_CODEC_KEY: 'x', ASC_CODEC_KEY_FILE: 'y' }), /keep one/);
  });
});

describe('codec endpoint for the Web UI', () => {
  const codec = new AesGcmCodec(codecKey(randomBytes(32), 'test'));
  const ui = 'http://127.0.0.1:8233';
  const token = randomBytes(24).toString('hex');
  const server = createCodecServer({ codec, allowedOrigin: ui, token });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** As the Web UI calls it: the token in the endpoint's path, the UI's origin. */
  const post = (path: string, body: string, origin = ui) =>
    fetch(`${base}/t/${token}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', origin, 'x-namespace': 'default' },
    });
  const wire = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  });

  it('encodes and decodes in the JSON form the UI sends, for the UI origin only', async () => {
    const encoded = await post('/encode', JSON.stringify({ payloads: [wire(json({ secret: 42 }))] }));
    assert.equal(encoded.status, 200);
    assert.equal(encoded.headers.get('access-control-allow-origin'), ui);
    const sealed = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(sealed.payloads[0]?.metadata.encoding ?? '', 'base64').toString(), ENCRYPTED_ENCODING);
    const decoded = await post('/decode', JSON.stringify(sealed));
    assert.equal(decoded.status, 200);
    const opened = (await decoded.json()) as { payloads: { data: string }[] };
    assert.deepEqual(JSON.parse(Buffer.from(opened.payloads[0]?.data ?? '', 'base64').toString()), { secret: 42 });

    const preflight = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: { origin: ui, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-namespace/);
    const foreign = await post('/decode', JSON.stringify(sealed), 'http://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  it('answers only callers that present its token, as a bearer token or in the path', async () => {
    const body = JSON.stringify({ payloads: [] });
    const bearer = await fetch(`${base}/decode`, { method: 'POST', body, headers: { authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200, 'a script with the token and no Origin is answered');
    for (const [what, url, headers] of [
      ['no token', `${base}/decode`, {}],
      ['no token, the UI origin', `${base}/decode`, { origin: ui }],
      ['a wrong bearer token', `${base}/decode`, { authorization: `Bearer ${token.slice(1)}x` }],
      ['a wrong token in the path', `${base}/t/${token.slice(1)}x/decode`, { origin: ui }],
    ] as const) {
      const refused = await fetch(url, { method: 'POST', body, headers });
      assert.equal(refused.status, 401, what);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
      assert.match(((await refused.json()) as { error: string }).error, /needs its token/);
    }
  });

  it('answers bad requests with a reason', async () => {
    const notJson = await post('/decode', '{');
    assert.equal(notJson.status, 400);
    assert.match(((await notJson.json()) as { error: string }).error, /not JSON/);
    const wrongShape = await post('/decode', JSON.stringify({ payload: [] }));
    assert.equal(wrongShape.status, 400);
    assert.match(((await wrongShape.json()) as { error: string }).error, /payloads/);
    const otherKey = await new AesGcmCodec(codecKey(randomBytes(32), 'other')).encode([json(1)]);
    const refused = await post('/decode', JSON.stringify({ payloads: otherKey.map(wire) }));
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: string }).error, /encrypted with key [0-9a-f]{16}/);
    assert.equal((await fetch(`${base}/t/${token}/decode`)).status, 405);
    assert.equal((await post('/nowhere', '{}')).status, 404);
  });
});

describe('encrypted runs on a real dev server', () => {
  const key = randomBytes(32).toString('base64');
  const secretMarker = `asc-secret-${randomBytes(6).toString('hex')}`;
  const plainMarker = `asc-plain-${randomBytes(6).toString('hex')}`;
  const code = (marker: string) =>
    `import subprocess\n\nTOKEN = "${marker}"\n\ndef run(cmd):\n    '''Run cmd in a shell.'''\n    return subprocess.check_output(cmd + " " + TOKEN, shell=True)\n`;
  let dir: string;
  let server: DevServer;
  let workers: WorkerProcess;
  let connection: Connection;
  let sealedClient: Client;
  let plainClient: Client;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'asc-codec-'));
    server = new DevServer(join(dir, 'temporal.db'), await freePort());
    await server.start();
    workers = await WorkerProcess.start({ TEMPORAL_ADDRESS: server.address, ASC_CODEC_KEY: key });
    connection = await Connection.connect({ address: server.address });
    sealedClient = new Client({ connection, dataConverter: dataConverterFromEnv({ ASC_CODEC_KEY: key }) });
    plainClient = new Client({ connection });
  });
  after(async () => {
    await workers.stop();
    await connection.close();
    await server.stop();
  });

  it('the server stores only ciphertext; clients with the key read results and the audit trail', async () => {
    await startHarden(sealedClient, { code: code(secretMarker), source: 'secret.py', llm: null, fuzz: { mutations: 20 } }, 'codec-sealed');
    const result = HardenResultSchema.parse(await sealedClient.workflow.getHandle('codec-sealed').result());
    assert.ok(result.finalCode.includes(secretMarker));
    assert.equal(result.verdict, 'vulnerable');

    // What Temporal holds, read without the key: every payload is sealed.
    const history = await plainClient.workflow.getHandle('codec-sealed').fetchHistory();
    let payloads = 0;
    for (const event of history.events ?? []) {
      const attrs = [
        event.workflowExecutionStartedEventAttributes?.input,
        event.activityTaskScheduledEventAttributes?.input,
        event.activityTaskCompletedEventAttributes?.result,
        event.workflowExecutionCompletedEventAttributes?.result,
      ];
      for (const p of attrs.flatMap((a) => a?.payloads ?? [])) {
        payloads++;
        assert.equal(text(p.metadata?.encoding), ENCRYPTED_ENCODING);
      }
    }
    assert.ok(payloads >= 6, `${payloads} payloads checked`);
    await assert.rejects(plainClient.workflow.getHandle('codec-sealed').result(), /binary\/encrypted/);

    const trail = await buildAuditTrail(sealedClient, 'codec-sealed');
    assert.ok(JSON.stringify(trail.entries.map((e) => e.input)).includes(secretMarker), 'the audit trail decrypts');

    // The CLI without the key says what to set.
    const cli = await runCli(['result', 'codec-sealed'], { TEMPORAL_ADDRESS: server.address, ASC_CODEC_KEY: undefined });
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /encrypted: set ASC_CODEC_KEY or ASC_CODEC_KEY_FILE/);
    const withKey = await runCli(['result', 'codec-sealed', '--json'], { TEMPORAL_ADDRESS: server.address, ASC_CODEC_KEY: key });
    assert.equal(withKey.code, 1, withKey.stderr);
    assert.ok(withKey.stdout.includes(secretMarker));

    // Control: a run started by a client without the codec stores its input in the clear, so
    // the search below can see plaintext when it is there.
    await startHarden(plainClient, { code: code(plainMarker), source: 'plain.py', llm: null, fuzz: { mutations: 20 } }, 'codec-plain');
    await sealedClient.workflow.getHandle('codec-plain').result();
    await server.stop();
    let stored = Buffer.alloc(0);
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('temporal.db')))
      stored = Buffer.concat([stored, await readFile(join(dir, file))]);
    assert.ok(stored.includes(plainMarker), 'the unencrypted control run is visible in the database');
    assert.ok(!stored.includes(secretMarker), 'the encrypted run is not');
    await server.start();
  });
});

describe('asc dev with a payload key', () => {
  it('serves the codec endpoint and points its Web UI at it', async () => {
    const [port, uiPort, codecPort] = [await freePort(), await freePort(), await freePort()];
    const ui = `http://127.0.0.1:${uiPort}`;
    const dev = spawn(process.execPath, [CLI, 'dev'], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        TEMPORAL_UI_URL: ui,
        ASC_DATA: await mkdtemp(join(tmpdir(), 'asc-dev-')),
        ASC_CODEC_KEY: randomBytes(32).toString('base64'),
        ASC_CODEC_PORT: String(codecPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => dev.once('exit', resolve));
    try {
      const output = await waitForOutput(dev, 'workers running for', 90_000, 'asc dev');
      assert.match(
        output,
        new RegExp(`payloads encrypted \\(key [0-9a-f]{16}\\); the Web UI decrypts them through http://127\\.0\\.0\\.1:${codecPort}`),
      );
      assert.match(output, /payloads encrypted\)/, 'the workers run with the codec');
      const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
      const endpoint = settings.Codec?.Endpoint ?? '';
      assert.match(
        endpoint,
        new RegExp(`^http://127\\.0\\.0\\.1:${codecPort}/t/[0-9a-f]{48}$`),
        'the UI is given the endpoint with a fresh token in its path',
      );
      const decoded = await fetch(`${endpoint}/decode`, {
        method: 'POST',
        headers: { origin: ui },
        body: JSON.stringify({ payloads: [] }),
      });
      assert.equal(decoded.status, 200);
      assert.equal(decoded.headers.get('access-control-allow-origin'), ui);
      const anonymous = await fetch(`http://127.0.0.1:${codecPort}/decode`, {
        method: 'POST',
        headers: { origin: ui },
        body: JSON.stringify({ payloads: [] }),
      });
      assert.equal(anonymous.status, 401, 'without the token, nothing is decoded');
    } finally {
      dev.kill('SIGINT');
      await exited;
    }
  });
});
