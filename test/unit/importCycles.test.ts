// No import circles in src/: a module that imports, through any chain, a module that imports it
// back is two concepts that can't be read (or loaded) one after the other. Imports are read by
// TypeScript's own pre-processor (`ts.preProcessFile`: every import and re-export, type-only
// ones included, since a type-only circle is still a circle for a reader).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve('src');

/**
 * Circles known today, each by its modules, sorted; the test fails when one of them is gone, so
 * the list only shrinks. None are left.
 */
const KNOWN: string[][] = [];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file a relative specifier names (`./x` → x.ts, x.tsx or x/index.ts), or undefined. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => resolve(file, f.fileName)).filter((t) => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component);
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out.map((c) => c.map((f) => path.relative(SRC, f).split(path.sep).join('/')).sort());
}

describe('import circles in src/', () => {
  const graph = importGraph(sourceFiles(SRC));
  const found = circles(graph);
  const key = (c: string[]) => c.join(' ');

  it('reads the imports of every module (the graph is not empty)', () => {
    assert.ok(graph.size > 50, `only ${graph.size} modules found under src/`);
    assert.ok(
      graph.get(path.join(SRC, 'extension', 'extension.ts'))?.includes(path.join(SRC, 'extension', 'ctx.ts')),
      'extension.ts → ctx.ts was not seen',
    );
  });

  it('has no circle besides the known ones being removed', () => {
    const unknown = found.filter((c) => !KNOWN.some((k) => key(k) === key(c)));
    assert.deepEqual(unknown, [], `import circles: ${unknown.map((c) => c.join(' → ')).join('; ')}`);
  });

  it('lists only circles that still exist (remove one from KNOWN once it is gone)', () => {
    const gone = KNOWN.filter((k) => !found.some((c) => key(c) === key(k)));
    assert.deepEqual(gone, []);
  });
});
