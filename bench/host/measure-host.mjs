// Measures Kagi inside code-server's real extension host, beside an empty extension:
//   node bench/host/measure-host.mjs <workspace> <kagiHome> <runs> <out.json>
// Each run is a fresh code-server (a fresh extension host): an extension activates once per
// host. Kagi's installed copy has its activation events emptied so that nothing but the probe
// activates it (its code is the built bundle, unchanged); the order alternates between runs so
// neither side always pays the host's first activation. bench/cases/host.ts reads the output.
//
// Kagi's bundles load through a V8 code cache in the user's cache folder (XDG_CACHE_HOME/kagi,
// scripts/bundle/code-cache.cjs). Each run is a `warm` host (one cache folder shared by the warm
// runs, written first by the hosts that are not counted, as many as write a cache (CACHE_RUNS):
// the user's every window after the first few)
// or a `cold` host (a fresh, empty cache folder: the first window after an install or update),
// alternating. The loader's events (read by the probe from the loader itself, after the timing)
// say which each run was, so a warm figure is never a cold one.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { extensionId, readPackageJson, repoRoot, sleep } from '../../scripts/vscode/common.mjs';
import { RUNNER_EXTENSION_DIR, installExtension, makeRunDirs, startCodeServer } from '../../scripts/vscode/server.mjs';
import { launchChromium, openWorkbench } from '../../scripts/vscode/browser.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const { CACHE_RUNS } = createRequire(import.meta.url)('../../scripts/bundle/code-cache.cjs');
const EMPTY_ID = 'kagi-vault.kagi-bench-empty';

function installApiOnly(extensionsDir) {
  const dest = installExtension(extensionsDir);
  const manifest = path.join(dest, 'package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  writeFileSync(manifest, JSON.stringify({ ...pkg, activationEvents: [] }, null, 2));
}

/** KAGI_BENCH_PROFILE=<file>.cpuprofile: one profile per host, `<file>-<run>.cpuprofile` (warm and cold apart). */
function profileOf(run) {
  const file = process.env.KAGI_BENCH_PROFILE;
  return file ? { KAGI_BENCH_PROFILE: file.replace(/(\.cpuprofile)?$/, `-${run}.cpuprofile`) } : {};
}

async function oneRun({ workspace, kagiHome, order, cacheHome, lingerMs = 0, run }) {
  const dirs = makeRunDirs('kagi-bench-host-');
  installApiOnly(dirs.extensions);
  installExtension(dirs.extensions, path.join(HERE, 'empty-extension'));
  const runnerDir = installExtension(dirs.extensions, RUNNER_EXTENSION_DIR);
  cpSync(path.join(HERE, 'probe.cjs'), path.join(runnerDir, 'probe.cjs'));
  const resultsFile = path.join(dirs.results, 'host.json');
  const server = await startCodeServer({
    workspace,
    userDataDir: dirs.userData,
    extensionsDir: dirs.extensions,
    env: {
      KAGI_HOME: kagiHome,
      KAGI_IT_RESULTS: resultsFile,
      KAGI_IT_INDEX: path.join(runnerDir, 'probe.cjs'),
      // The runner must not activate Kagi itself: the probe does, timed.
      KAGI_IT_EXTENSION_ID: 'kagi-vault.not-installed',
      KAGI_BENCH_ORDER: order.join(','),
      KAGI_BENCH_KAGI_ID: extensionId(readPackageJson()),
      XDG_CACHE_HOME: cacheHome,
      ...profileOf(run),
    },
  });
  let browser;
  try {
    browser = await launchChromium();
    await openWorkbench(browser, server.workspaceUrl);
    const deadline = Date.now() + 240000;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error('the probe wrote no result within 240 s');
      await sleep(250);
    }
    // The loader writes a missing cache a moment after loading each bundle: wait for it.
    await sleep(lingerMs);
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
  const out = JSON.parse(readFileSync(resultsFile, 'utf8'));
  if (!out.bench) throw new Error(`the probe failed: ${out.error ?? JSON.stringify(out.failures)}`);
  return out.bench;
}

const [workspace, kagiHome, runs, outFile] = process.argv.slice(2);
const kagiId = extensionId(readPackageJson());
const newCacheHome = () => mkdtempSync(path.join(os.tmpdir(), 'kagi-bench-code-cache-'));
const warmCache = newCacheHome();
// Not counted: they write the cache the warm runs read (the wait covers the loader's delay).
for (let i = 1; i <= CACHE_RUNS; i++) {
  const primed = await oneRun({
    workspace,
    kagiHome,
    order: [kagiId, EMPTY_ID],
    cacheHome: warmCache,
    lingerMs: 7000,
    run: `prime-${i}`,
  });
  process.stderr.write(`bench: host priming run ${i} (not counted): code cache ${JSON.stringify(primed.code_cache)}\n`);
}
const results = { warm: [], cold: [] };
for (let i = 0; i < Number(runs); i++) {
  const order = i % 2 === 0 ? [EMPTY_ID, kagiId] : [kagiId, EMPTY_ID];
  // Cold and warm alternate too, so the machine's drift hits both alike.
  const kinds = i % 2 === 0 ? ['warm', 'cold'] : ['cold', 'warm'];
  for (const kind of kinds) {
    const cacheHome = kind === 'warm' ? warmCache : newCacheHome();
    const r = await oneRun({ workspace, kagiHome, order, cacheHome, run: `${kind}-${i + 1}` });
    results[kind].push({ kagi_ms: r.activation_ms[kagiId], empty_ms: r.activation_ms[EMPTY_ID], ...r, order });
    process.stderr.write(`bench: host run ${i + 1}/${runs} (${kind}): ${JSON.stringify(results[kind].at(-1))}\n`);
  }
}
writeFileSync(outFile, JSON.stringify({ repoRoot, results: results.warm, cold: results.cold }, null, 2));
