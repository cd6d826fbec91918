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

/**
 * The deployment files against the code's own constants: what `docker compose config` makes of
 * docker-compose.yml and docker-compose.local.yml names our services, queues, env variables and
 * volumes, and the two run the same services of ours. (test/deploy-up.test.ts starts the local one.)
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const ServiceSchema = z.looseObject({
  image: z.string().optional(),
  command: z.union([z.array(z.string()), z.string()]).nullish(),
  entrypoint: z.union([z.array(z.string()), z.string()]).nullish(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  volumes: z.array(z.union([z.string(), z.looseObject({ source: z.string().optional(), target: z.string() })])).optional(),
  healthcheck: z.looseObject({ test: z.union([z.array(z.string()), z.string()]).optional(), disable: z.boolean().optional() }).optional(),
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
  pull_policy: z.string().optional(),
});
const ComposeSchema = z.looseObject({
  name: z.string().optional(),
  services: z.record(z.string(), ServiceSchema),
  volumes: z.record(z.string(), z.unknown()).optional(),
  secrets: z.record(z.string(), z.unknown()).optional(),
});

/** What `docker compose config` makes of a file (scripts/setup.sh provides the plugin). */
async function composeConfig(
  env: Record<string, string>,
  file = 'docker-compose.yml',
): Promise<{ ok: true; stdout: string } | { ok: false; stderr: string }> {
  // Only what the test sets: the caller's own POSTGRES_/ASC_ settings must not leak in.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(POSTGRES_|ASC_|OPENAI_|TEMPORAL_|COMPOSE_)/.test(k)));
  try {
    const { stdout } = await run(
      'docker',
      ['compose', '-f', `${ROOT}${file}`, '--project-directory', ROOT, '--profile', 'build', 'config', '--format', 'json'],
      { env: { ...clean, ...env } },
    );
    return { ok: true, stdout };
  } catch (error) {
    return { ok: false, stderr: String((error as { stderr?: unknown }).stderr ?? error) };
  }
}

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.asc.yml', 'docker-compose.local.yml'];
const ComposeRawSchema = z.looseObject({ services: z.record(z.string(), ServiceSchema).optional() });

const words = (v: string[] | string | null | undefined) => (Array.isArray(v) ? v : (v ?? '').split(/\s+/));

describe('docker-compose.yml', async () => {
  const result = await composeConfig({ POSTGRES_PASSWORD: 'test-only' });
  if (!result.ok) throw new Error(`compose config failed: ${result.stderr}`);
  const compose = ComposeSchema.parse(JSON.parse(result.stdout));
  const localResult = await composeConfig({}, 'docker-compose.local.yml');
  if (!localResult.ok) throw new Error(`compose config of the local file failed: ${localResult.stderr}`);
  const local = ComposeSchema.parse(JSON.parse(localResult.stdout));
  // The services both deployments include, as written (anchors merged).
  const ours = ComposeSchema.parse(parse(readFileSync(`${ROOT}docker-compose.asc.yml`, 'utf8'), { merge: true }));
  const raws = COMPOSE_FILES.map((file) => ComposeRawSchema.parse(parse(readFileSync(`${ROOT}${file}`, 'utf8'), { merge: true })));
  const service = (name: string) => {
    const s = compose.services[name];
    assert.ok(s, `service ${name} is missing`);
    return s;
  };

  it("has one worker service per task queue, each running that queue's entry point", () => {
    const workers = Object.keys(compose.services).filter((n) => n.endsWith('-worker'));
    assert.deepEqual(
      workers.sort(),
      Object.keys(TASK_QUEUES)
        .map((k) => `${k}-worker`)
        .sort(),
    );
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
      for (const key of Object.keys(service(name).environment ?? {}))
        assert.ok((ENV_NAMES as string[]).includes(key), `${name} sets ${key}, which the code does not read`);
    }
    for (const [name, s] of raws.flatMap((raw) => Object.entries(raw.services ?? {}))) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/KEY|PASSWORD|PWD|TOKEN|SECRET/.test(key))
          assert.match(
            String(value),
            /^(\$\{[A-Z_]+(:\?[^}]*)?\}|\/run\/secrets\/\w+)$/,
            `${name}.${key} must come from .env or a secret file`,
          );
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
    for (const kind of Object.keys(TASK_QUEUES))
      assert.ok(!networks(`${kind}-worker`).includes('codec'), `${kind}-worker stays off the codec network`);
    assert.equal(service('codec-server').environment?.ASC_CODEC_TOKEN_FILE, '/run/secrets/asc_codec_token');
  });

  it("sets up the namespace and the search attributes with the code's own list (asc setup), once Temporal is healthy", () => {
    const setup = service('temporal-setup');
    assert.deepEqual(words(setup.command).slice(0, 2), ['dist/src/client/cli.js', 'setup']);
    assert.equal(setup.image, service('workflows-worker').image);
    assert.equal((setup.depends_on as Record<string, { condition: string }>).temporal?.condition, 'service_healthy');
  });

  it('the local file runs the same services of ours as production, with only Temporal built here', () => {
    const mine = Object.keys(ours.services);
    assert.ok(mine.length >= 8, 'docker-compose.asc.yml holds the workers, the codec endpoint, the setup job and the sandbox build');
    for (const name of mine) assert.deepEqual(local.services[name], compose.services[name], `${name} is the same in both deployments`);
    assert.deepEqual(local.secrets, compose.secrets);
    const registry = ['postgresql', 'temporal-schema', 'temporal-ui'];
    for (const name of registry) assert.ok(compose.services[name], `production has ${name}`);
    assert.deepEqual(Object.keys(local.services).sort(), [...mine, 'temporal'].sort(), 'the local file adds only its Temporal server');
    const temporal = local.services.temporal;
    assert.ok(temporal);
    assert.equal(temporal.image, 'autosafecoder-temporal:latest');
    assert.equal(temporal.pull_policy, 'never');
    assert.match(words(temporal.healthcheck?.test).join(' '), /temporal operator cluster health/);
    assert.ok(JSON.stringify(temporal.volumes).includes('"target":"/data"'), "the server's database outlives its container");
    const published = (s: typeof temporal) => (s.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}->${p.target}`));
    assert.deepEqual(published(temporal), ['7233->7233', '8233->8233']);
    assert.deepEqual(published(service('temporal')), ['7233->7233']);
    assert.deepEqual(published(service('temporal-ui')), ['8233->8080']);
    // The Web UI of either deployment decodes through the same codec endpoint.
    assert.ok(
      words(temporal.command).includes(`--ui-codec-endpoint=${String(service('temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT)}`),
    );
  });

  it('is one project, whatever the checkout directory is called', () => {
    assert.equal(compose.name, 'autosafecoder');
  });

  it('starts in order, with healthchecks, named volumes, the sandbox image and the codec endpoint wired', () => {
    for (const name of ['postgresql', 'temporal', 'codec-server']) assert.ok(service(name).healthcheck, `${name} has a healthcheck`);
    // `up --wait` must not take a worker in a crash loop for a running one.
    for (const kind of Object.keys(TASK_QUEUES)) {
      const s = service(`${kind}-worker`);
      assert.deepEqual(
        words(s.healthcheck?.test),
        ['CMD', 'test', '-f', String(s.environment?.ASC_READY_FILE)],
        `${kind}-worker is healthy once its ready file exists`,
      );
    }
    const after = (name: string) => service(name).depends_on as Record<string, { condition: string }>;
    assert.equal(after('temporal-schema').postgresql?.condition, 'service_healthy');
    assert.equal(after('temporal')['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(after('temporal-setup').temporal?.condition, 'service_healthy');
    for (const kind of Object.keys(TASK_QUEUES))
      assert.equal(after(`${kind}-worker`)['temporal-setup']?.condition, 'service_completed_successfully');
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

  it('documents every variable: deploy.env.example covers the files, docs/configuration.md covers the code', () => {
    const example = readFileSync(`${ROOT}deploy.env.example`, 'utf8');
    const used = new Set(
      COMPOSE_FILES.flatMap((file) => [...readFileSync(`${ROOT}${file}`, 'utf8').matchAll(/\$\{(\w+)/g)].map((m) => m[1] ?? '')),
    );
    for (const name of used) assert.match(example, new RegExp(`^${name}=`, 'm'), `${name} in deploy.env.example`);
    const reference = readFileSync(`${ROOT}docs/configuration.md`, 'utf8');
    for (const name of ENV_NAMES) assert.ok(reference.includes(`\`${name}\``), `docs/configuration.md has ${name}`);
  });

  it('builds the sandbox base from the same package list as the debootstrap recipe', () => {
    const base = readFileSync(`${ROOT}docker/sandbox/base.Dockerfile`, 'utf8');
    const script = readFileSync(`${ROOT}scripts/build-sandbox-image.sh`, 'utf8');
    for (const text of [base, script]) assert.ok(text.includes('docker/sandbox/packages.txt'));
    assert.ok(base.includes('ln -s Cryptodome') && script.includes('ln -s Cryptodome'));
  });
});
