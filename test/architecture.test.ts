import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { importCycles, importEdges, layerViolations } from './support/import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const MAX_LINES = 400;

/** A throwaway source tree: path → contents. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'asc-arch-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function lineCounts(dir: string): [string, number][] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return [path.slice(dir.length), readFileSync(path, 'utf8').split('\n').length - 1] as [string, number];
    });
}

describe('the shape of src/', () => {
  it('has no import cycle', () => {
    assert.deepEqual(importCycles(importEdges(SRC)), []);
  });

  it('imports only down its layers: no activity, client or shared module reaches into workflows', () => {
    assert.deepEqual(layerViolations(importEdges(SRC)), []);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    assert.deepEqual(
      lineCounts(SRC).filter(([, n]) => n > MAX_LINES),
      [],
    );
  });

  it('the checks see a cycle, a type-only cycle, an upward import and a folder with no layer', () => {
    const dir = tree({
      'workflows/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'workflows/b.ts': "import type { A } from './c.js';\nexport const b = 1;\n",
      'workflows/c.ts': "export type { B } from './b.js';\nexport type A = number;\n",
      'activities/run.ts': "import { a } from '../workflows/a.js';\nexport const run = () => import('../client/cli.js');\n",
      'workflows/w.ts': "import type * as acts from '../activities/run.js';\nexport type T = typeof acts;\n",
      'misc/x.ts': "import { b } from '../workflows/b.js';\n",
    });
    try {
      const edges = importEdges(dir);
      assert.deepEqual(importCycles(edges), [['workflows/b.ts', 'workflows/c.ts', 'workflows/b.ts']]);
      assert.deepEqual(layerViolations(edges).sort(), [
        'activities/run.ts -> client/cli.ts',
        'activities/run.ts -> workflows/a.ts',
        'misc/x.ts -> workflows/b.ts',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
