import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One relative import of a module: where it points, and whether it brings only types. */
export interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Which top folders of `src/` each folder may import (workflows may also import activity types, as the samples do). */
export const LAYERS: Record<string, readonly string[]> = {
  common: ['common'],
  domain: ['common', 'domain'],
  codec: ['common', 'codec'],
  activities: ['common', 'domain', 'activities'],
  workflows: ['common', 'domain', 'workflows'],
  workers: ['common', 'domain', 'codec', 'activities', 'workers'],
  client: ['common', 'domain', 'codec', 'workers', 'client'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import and re-export under `srcDir`, as paths relative to it (`.js` specifiers read as their `.ts` source). */
export function importEdges(srcDir: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of tsFiles(srcDir)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
      const target = resolve(dirname(file), specifier.text.replace(/\.js$/, '.ts'));
      edges.push({ from: relative(srcDir, file), to: relative(srcDir, target), typeOnly });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
      else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

/** Each import cycle, once, as the files around it (type-only imports count: they tie the modules as tightly for a reader). */
export function importCycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const walk = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) walk(to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...next.keys()].sort()) if (!state.has(file)) walk(file);
  return cycles;
}

/** Imports that reach a folder their own may not (LAYERS), as `from -> to`. */
export function layerViolations(edges: Edge[]): string[] {
  const top = (path: string) => path.split(/[\\/]/)[0] ?? '';
  return edges
    .filter((e) => {
      const [from, to] = [top(e.from), top(e.to)];
      // A new folder declares what it may import before anything in it can.
      if (!(from in LAYERS)) return true;
      if (from === 'workflows' && to === 'activities' && e.typeOnly) return false;
      return !(LAYERS[from] ?? []).includes(to);
    })
    .map((e) => `${e.from} -> ${e.to}${e.typeOnly ? ' (types)' : ''}`);
}
