import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { ENV_NAMES } from '../src/common/config.js';
import { TASK_QUEUES } from '../src/common/queues.js';
import { ALL_SEARCH_ATTRIBUTES } from '../src/common/search-attributes.js';

/**
 * The deployment files against the code's own constants: what `docker compose config` makes of
 * docker-compose.yml names our services, queues, env variables, search attributes and volumes.
 * (No registry is reachable here, so the images themselves are not pulled or started.)
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const ServiceSchema = z.looseObject({
  image: z.string().optional(),
  command: z.union([z.array(z.string()), z.string()]).nullish(),
  entrypoint: z.union([z.array(z.string()), z.string()]).nullish(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  volumes: z.array(z.union([z.string(), z.looseObject({ source: z.string().optional(), target: z.string() })])).optional(),
  healthcheck: z.looseObject({ test: z.union([z.array(z.string()), z.string()]) }).optional(),
  depends_on: z.union([z.record(z.string(), z.looseObject({ condition: z.string() })), z.array(z.string())]).optional(),
  ports: z.array(z.union([z.string(), z.looseObject({ published: z.union([z.string(), z.number()]), target: z.number() })])).optional(),
  build: z.looseObject({ dockerfile: z.string().optional(), args: z.record(z.string(), z.string()).optional() }).optional(),
  secrets: z.array(z.union([z.string(), z.looseObject({ source: z.string() })])).optional(),
  read_only: z.boolean().optional(),
  cap_drop: z.array(z.string()).optional(),
  security_opt: z.array(z.string()).optional(),
  mem_limit: z.union([z.string(), z.number()]).optional(),
  tmpfs: z.array(z.string()).optional(),
  networks: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).optional(),
});
const ComposeSchema = z.looseObject({ name: z.string().optional(), services: z.record(z.string(), ServiceSchema), volumes: z.record(z.string(), z.unknown()).optional() });

/** What `docker compose config` makes of the file (scripts/setup.sh provides the plugin). */
async function composeConfig(env: Record<string, string>): Promise<{ ok: true; stdout: string } | { ok: false; stderr: string }> {
  // Only what the test sets: the caller's own POSTGRES_/ASC_ settings must not leak in.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(POSTGRES_|ASC_|OPENAI_|TEMPORAL_)/.test(k)));
  try {
    const { stdout } = await run('docker', ['compose', '-f', `${ROOT}docker-compose.yml`, '--project-directory', ROOT, '--profile', 'build', 'config', '--format', 'json'], { env: { ...clean, ...env } });
    return { ok: true, stdout };
  } catch (error) {
    return { ok: false, stderr: String((error as { stderr?: unknown }).stderr ?? error) };
  }
}

const words = (v: string[] | string | null | undefined) => (Array.isArray(v) ? v : (v ?? '').split(/\s+/));

describe('docker-compose.yml', async () => {
  const result = await composeConfig({ POSTGRES_PASSWORD: 'test-only' });
  if (!result.ok) throw new Error(`compose config failed: ${result.stderr}`);
  const compose = ComposeSchema.parse(JSON.parse(result.stdout));
  const raw = ComposeSchema.parse(parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }));
  const service = (name: string) => {
    const s = compose.services[name];
    assert.ok(s, `service ${name} is missing`);
    return s;
  };

  it('has one worker service per task queue, each running that queue\'s entry point', () => {
    const workers = Object.keys(compose.services).filter((n) => n.endsWith('-worker'));
    assert.deepEqual(workers.sort(), Object.keys(TASK_QUEUES).map((k) => `${k}-worker`).sort());
    for (const kind of Object.keys(TASK_QUEUES)) {
      const s = service(`${kind}-worker`);
      const entry = words(s.command)[0] ?? '';
      assert.equal(entry, `dist/src/workers/${kind}.js`);
      assert.ok(existsSync(`${ROOT}${entry}`), `${entry} is built from src/workers/${kind}.ts`);
      assert.equal(s.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
      assert.equal(s.environment?.ASC_CODEC_KEY_FILE, '/run/secrets/asc_codec_key');
    }
  });

  it('sets only variables the code reads, and keeps secrets out of the file', () => {
    for (const name of [...Object.keys(TASK_QUEUES).map((k) => `${k}-worker`), 'codec-server']) {
      for (const key of Object.keys(service(name).environment ?? {})) assert.ok((ENV_NAMES as string[]).includes(key), `${name} sets ${key}, which the code does not read`);
    }
    for (const [name, s] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/KEY|PASSWORD|PWD|TOKEN|SECRET/.test(key)) assert.match(String(value), /^(\$\{[A-Z_]+(:\?[^}]*)?\}|\/run\/secrets\/\w+)$/, `${name}.${key} must come from .env or a secret file`);
      }
    }
    assert.equal(service('llm-worker').environment?.OPENAI_API_KEY_FILE, '/run/secrets/openai_api_key');
  });

  it('runs every worker and the codec endpoint read-only, without capabilities, bounded; the codec endpoint on its own network', () => {
    for (const name of [...Object.keys(TASK_QUEUES).map((k) => `${k}-worker`), 'codec-server']) {
      const s = service(name);
      assert.equal(s.read_only, true, `${name} is read-only`);
      assert.deepEqual(s.cap_drop, ['ALL'], `${name} drops every capability`);
      assert.ok(Array.isArray(s.security_opt) && s.security_opt.includes('no-new-privileges:true'), `${name} has no-new-privileges`);
      assert.ok(Number(s.mem_limit) > 0, `${name} has a memory limit`);
      assert.deepEqual(s.tmpfs, ['/tmp'], `${name} writes temporary files to a tmpfs`);
    }
    const networks = (name: string) => {
      const n = service(name).networks ?? [];
      return Array.isArray(n) ? n : Object.keys(n);
    };
    assert.deepEqual(networks('codec-server'), ['codec']);
    for (const kind of Object.keys(TASK_QUEUES)) assert.ok(!networks(`${kind}-worker`).includes('codec'), `${kind}-worker stays off the codec network`);
    assert.equal(service('codec-server').environment?.ASC_CODEC_TOKEN_FILE, '/run/secrets/asc_codec_token');
  });

  it('registers every search attribute the workflows set, with its type', () => {
    const script = words(service('temporal-setup').command).join(' ');
    const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', INT: 'Int', DOUBLE: 'Double' };
    for (const key of ALL_SEARCH_ATTRIBUTES) assert.ok(script.includes(`--name ${key.name} --type ${cliType[key.type] ?? '?'}`), `${key.name} (${key.type}) is registered`);
    const named = [...script.matchAll(/--name (\w+)/g)].map((m) => m[1]);
    assert.deepEqual(named.sort(), ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
  });

  it('is one project, whatever the checkout directory is called', () => {
    assert.equal(compose.name, 'autosafecoder');
  });

  it('starts in order, with healthchecks, named volumes, the sandbox image and the codec endpoint wired', () => {
    for (const name of ['postgresql', 'temporal', 'codec-server']) assert.ok(service(name).healthcheck, `${name} has a healthcheck`);
    const after = (name: string) => service(name).depends_on as Record<string, { condition: string }>;
    assert.equal(after('temporal-schema').postgresql?.condition, 'service_healthy');
    assert.equal(after('temporal')['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(after('temporal-setup').temporal?.condition, 'service_healthy');
    for (const kind of Object.keys(TASK_QUEUES)) assert.equal(after(`${kind}-worker`)['temporal-setup']?.condition, 'service_completed_successfully');
    assert.ok(compose.volumes && 'postgres-data' in compose.volumes);
    assert.ok(JSON.stringify(service('postgresql').volumes).includes('/var/lib/postgresql/data'));
    const sandbox = service('sandbox-worker');
    assert.equal(sandbox.environment?.ASC_SANDBOX_IMAGE, service('sandbox-image').image);
    assert.equal(service('sandbox-image').build?.args?.BASE, service('sandbox-base').image);
    assert.ok(JSON.stringify(sandbox.volumes).includes('/var/run/docker.sock'));
    assert.match(String(service('temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT), /:8234$/);
    assert.ok(JSON.stringify(service('codec-server').ports).includes('8234'));
  });

  it('names what is missing when the password is not set', async () => {
    const missing = await composeConfig({});
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.stderr, /POSTGRES_PASSWORD/);
  });

  it('documents every variable: deploy.env.example covers the file, the README covers the code', () => {
    const example = readFileSync(`${ROOT}deploy.env.example`, 'utf8');
    const used = new Set([...readFileSync(`${ROOT}docker-compose.yml`, 'utf8').matchAll(/\$\{(\w+)/g)].map((m) => m[1] ?? ''));
    for (const name of used) assert.match(example, new RegExp(`^${name}=`, 'm'), `${name} in deploy.env.example`);
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    for (const name of ENV_NAMES) assert.ok(readme.includes(`\`${name}\``), `README's configuration reference has ${name}`);
  });

  it('builds the sandbox base from the same package list as the debootstrap recipe', () => {
    const base = readFileSync(`${ROOT}docker/sandbox/base.Dockerfile`, 'utf8');
    const script = readFileSync(`${ROOT}scripts/build-sandbox-image.sh`, 'utf8');
    for (const text of [base, script]) assert.ok(text.includes('docker/sandbox/packages.txt'));
    assert.ok(base.includes('ln -s Cryptodome') && script.includes('ln -s Cryptodome'));
  });
});
