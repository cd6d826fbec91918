import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { WORKFLOWS_PATH } from '../src/workers/create.js';
import { PATCHES, type PatchId } from '../src/workflows/patches.js';
import { CHANGED_DEFAULTS_MARKER } from './support/changed-defaults.js';
import { quietBundlerLogger, workflowBundle } from './support/stack.js';

/**
 * Replays saved histories of representative runs against today's workflow code: a change that
 * would break running workflows (non-determinism) fails here. Histories are recorded by
 * test/support/record-histories.ts; v1-*.json were recorded before the search-attributes patch,
 * v2-*.json before the settle-fuzz-batches patch, v3-*.json before requests were resolved at
 * the edge (their inputs carry only the fields given), v4-*.json before finding kinds, parameter
 * roles and Semgrep (finding-kinds, semgrep-analysis), v5-*.json before every task ran, the
 * later oracles' dictionary and coverage-guided rounds (every-task-runs, attack-strings,
 * coverage-guided, string-item-seeds), v6-*.json before a fuzz pass ran every round in one
activity (fuzz-pass), so both sides of each patch replay.
 * Keep old ones when re-recording.
 */
const HISTORIES = fileURLToPath(new URL('../../test/histories/', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

interface SavedHistory {
  events: {
    eventType: string;
    activityTaskScheduledEventAttributes?: { activityType: { name: string } };
    markerRecordedEventAttributes?: { markerName: string; details?: Record<string, { payloads?: { data?: string }[] }> };
  }[];
}

/** The patch ids a history recorded markers for (the patched side of each). */
function patchMarkers(history: SavedHistory): Set<string> {
  const ids = new Set<string>();
  for (const e of history.events) {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    if (data) ids.add((JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id);
  }
  return ids;
}

const SRC_WORKFLOWS = fileURLToPath(new URL('../../src/workflows/', import.meta.url));
const workflowSources = () =>
  readdirSync(SRC_WORKFLOWS, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(join(SRC_WORKFLOWS, f), 'utf8') }));

function load(file: string): SavedHistory {
  return JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) as SavedHistory;
}

/** Recorded as history-<name> (record-histories.ts); a batch names its children after it. */
function workflowIdOf(file: string): string {
  return `history-${file.replace(/^v\d+-/, '').replace(/\.json$/, '')}`;
}

const DEFAULTS_MODULE = fileURLToPath(new URL('../src/common/defaults.js', import.meta.url));
const CHANGED_DEFAULTS = fileURLToPath(new URL('./support/changed-defaults.js', import.meta.url));

/** Bundles workflow code with src/common/defaults.ts swapped for the changed defaults. */
function bundleWithChangedDefaults(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    logger: quietBundlerLogger,
    webpackConfigHook: (config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: { ...(config.resolve?.alias as Record<string, string> | undefined), [DEFAULTS_MODULE]: CHANGED_DEFAULTS },
      },
    }),
  });
}

describe('replay of saved histories', () => {
  it('has histories from before each patch and of today', () => {
    for (const prefix of ['v1-', 'v2-', 'v3-', 'v4-', 'v5-', 'v6-', '']) {
      assert.ok(
        files.some((f) => f.startsWith(prefix) && (prefix !== '' || !/^v\d+-/.test(f))),
        `no ${prefix || 'current'} history in ${HISTORIES}`,
      );
    }
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, load(file), workflowIdOf(file));
    });
  }

  it('a changed default changes no replay: the workflow never reads the defaults', async () => {
    // The swap takes effect: a workflow that imports the defaults gets the changed ones.
    const probe = await bundleWithChangedDefaults(fileURLToPath(new URL('./support/defaults-probe-workflow.js', import.meta.url)));
    assert.ok(probe.code.includes(CHANGED_DEFAULTS_MARKER), 'the module swap did not take effect');
    const bundle = await bundleWithChangedDefaults(WORKFLOWS_PATH);
    assert.ok(
      !bundle.code.includes(CHANGED_DEFAULTS_MARKER),
      'workflow code imports src/common/defaults.ts: runs would change when a default does',
    );
    // Runs started with partial requests (v1–v3) replay with the defaults of their time.
    for (const file of files) await Worker.runReplayHistory({ workflowBundle: bundle }, load(file), workflowIdOf(file));
  });

  it('the patch register matches the code and the histories: both sides of every patch are saved', () => {
    const sources = workflowSources();
    const ids = Object.keys(PATCHES) as PatchId[];
    // One way to ask: a bare patched() or deprecatePatch() would escape the register.
    assert.deepEqual(
      sources.filter((s) => s.file !== 'patches.ts' && /\b(patched|deprecatePatch)\(/.test(s.text)).map((s) => s.file),
      [],
    );
    const asked = new Set(sources.flatMap((s) => [...s.text.matchAll(/hasPatch\('([^']+)'\)/g)].map((m) => m[1])));
    assert.deepEqual(
      ids.filter((id) => !asked.has(id)),
      [],
      'register entries no code asks for: retire them (docs/patches.md)',
    );
    const markers = new Map(files.map((f) => [f, patchMarkers(load(f))]));
    for (const id of ids) {
      const { before, since } = PATCHES[id];
      const old = files.filter((f) => f.startsWith(`${before}-`));
      assert.ok(old.length > 0, `${id}: no ${before}-*.json history to replay its old branch`);
      assert.deepEqual(
        old.filter((f) => markers.get(f)?.has(id)),
        [],
        `${id}: ${before} histories were recorded after it (${since})`,
      );
      const patchedSide = files.filter((f) => markers.get(f)?.has(id));
      assert.ok(patchedSide.length > 0 || 'unrecorded' in PATCHES[id], `${id}: no saved history takes its new branch`);
    }
  });

  it('a changed command order fails replay', async () => {
    const history = load('audit.json');
    const scheduled = history.events.flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType] : [],
    );
    const first = scheduled[0];
    const other = scheduled.find((t) => t.name !== first?.name);
    assert.ok(first && other, 'the history has two kinds of activity');
    [first.name, other.name] = [other.name, first.name];
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowIdOf('audit.json')),
      (error: unknown) => {
        assert.ok(error instanceof DeterminismViolationError, String(error));
        return true;
      },
    );
  });
});
