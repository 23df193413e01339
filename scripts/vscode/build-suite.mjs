// Bundles the integration suite for the extension host: test/integration/index.ts ->
// out/integration/index.js and test/integration/suite/*.test.ts -> out/integration/suite/*.test.js
// (CommonJS, `vscode` external, mocha and helpers bundled in) so neither tsx nor an ESM-capable
// require() is needed inside the host (VS Code 1.90's Electron included).
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './common.mjs';

export const SUITE_OUT = path.join(repoRoot, 'out', 'integration');

/** Bundles into `outDir` (default out/integration; the harness uses a per-run folder). */
export async function buildSuite(outDir = SUITE_OUT) {
  const src = path.join(repoRoot, 'test', 'integration');
  const suiteDir = path.join(src, 'suite');
  const tests = existsSync(suiteDir) ? readdirSync(suiteDir).filter((f) => f.endsWith('.test.ts')) : [];
  if (!tests.length) throw new Error(`no integration tests in ${suiteDir}`);
  rmSync(outDir, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
    absWorkingDir: repoRoot,
    // mocha's own dynamic require()s (reporters, test files) must stay real requires.
    logOverride: {
      'unsupported-require-call': 'silent',
      'unsupported-dynamic-import': 'silent',
      'require-resolve-not-external': 'silent',
    },
  };
  await esbuild.build({ ...common, entryPoints: [path.join(src, 'index.ts')], outfile: path.join(outDir, 'index.js') });
  await esbuild.build({
    ...common,
    entryPoints: tests.map((f) => path.join(suiteDir, f)),
    outdir: path.join(outDir, 'suite'),
  });
  // Which files also run in the Restricted Mode pass (KAGI_IT_TRUST=1): those that pick their
  // trusted/untrusted half themselves, by KAGI_IT_TRUST or by vscode.workspace.isTrusted.
  const manifest = tests.map((f) => ({
    file: f.replace(/\.ts$/, '.js'),
    restricted: /KAGI_IT_TRUST|workspace\.isTrusted/.test(readFileSync(path.join(suiteDir, f), 'utf8')),
  }));
  writeFileSync(path.join(outDir, 'suite', 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { index: path.join(outDir, 'index.js'), tests };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await buildSuite();
  console.log(`[harness] built ${r.tests.length} integration test file(s) -> ${path.relative(repoRoot, r.index)}`);
}
