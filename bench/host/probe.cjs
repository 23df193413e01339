// Runs inside code-server's extension host (loaded by test/runner-extension as its "suite",
// see bench/cases/host.ts). It activates the empty extension and Kagi through the API in the
// order the bench gives, then reads the host's heap before and after the Secrets tree is
// opened on the 30k vault. Nothing here prints or returns a value of the vault.
'use strict';
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const vscode = require('vscode');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the host's event loop has been quiet for a second (timers fire on time), at
 * most 60 s: the workbench's own start-up work must not land inside one side's timing.
 */
async function idle() {
  const deadline = Date.now() + 60000;
  let quiet = 0;
  while (quiet < 20 && Date.now() < deadline) {
    const t = performance.now();
    await sleep(50);
    quiet = performance.now() - t < 60 ? quiet + 1 : 0;
  }
}

/** The host runs without --expose-gc; a flag set at run time gives a context its gc(). */
function collector() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  return () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
}

/**
 * Bytes of compiled code, bytecode and their trusted metadata (V8's code and trusted spaces):
 * a one-time cost of running code for the first time in this host, not data anything keeps
 * per key. Read beside the heap so the bench can say how much of a growth is code.
 */
const CODE_SPACES = new Set(['code_space', 'code_large_object_space', 'trusted_space', 'trusted_large_object_space']);
function codeBytes() {
  return v8
    .getHeapSpaceStatistics()
    .filter((s) => CODE_SPACES.has(s.space_name))
    .reduce((sum, s) => sum + s.space_used_size, 0);
}

/** KAGI_BENCH_PROFILE=<file>: a CPU profile of Kagi's activation, for reading, never asserted. */
async function profiled(id, fn) {
  const file = process.env.KAGI_BENCH_PROFILE;
  if (!file || id !== process.env.KAGI_BENCH_KAGI_ID) return fn();
  const session = new (require('inspector').Session)();
  session.connect();
  const post = (method, params) => new Promise((ok, ko) => session.post(method, params, (e, r) => (e ? ko(e) : ok(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  const result = await fn();
  const { profile } = await post('Profiler.stop');
  require('fs').writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return result;
}

/**
 * KAGI_BENCH_HEAP_SNAPSHOT=<prefix>: writes <prefix>-<stage>.heapsnapshot after each heap
 * reading, to see what holds the growth (for reading only: writing one moves the readings
 * that follow, so a run with snapshots is no figure).
 */
function snapshot(stage) {
  const prefix = process.env.KAGI_BENCH_HEAP_SNAPSHOT;
  if (prefix) v8.writeHeapSnapshot(`${prefix}-${stage}.heapsnapshot`);
}

/**
 * Wall time of the activation, and the host process's CPU time meanwhile (all its threads): on a
 * busy machine the wall time also counts the time other processes had the cores, the CPU time
 * does not (for reading beside the figure; the figure is the wall time).
 */
async function activateTimed(id) {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`${id} is not installed`);
  if (ext.isActive) throw new Error(`${id} was already active: the timing would be meaningless`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await ext.activate();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpu_ms: (cpu.user + cpu.system) / 1000 };
}

/**
 * Whether one of Kagi's bundles loaded on first use (dist/vault.js,
 * dist/vault-shared.js, dist/commands.js) is loaded yet.
 */
const loaded = (name) =>
  Object.keys(require.cache).some((f) => path.basename(f) === name && path.basename(path.dirname(f)) === 'dist');

/**
 * What Kagi's code cache loader did in this host (`extension.bundle hit`, …), read from the
 * loader the extension's stub already loaded (the same module: the host has one module cache),
 * after the timing. Its file trace would have put a synchronous write inside the activation.
 */
function cacheEvents(extensionPath) {
  const loader = require.cache[path.join(extensionPath, 'dist', 'code-cache.js')];
  if (!loader) throw new Error("Kagi's code cache loader (dist/code-cache.js) is not loaded after activation");
  return loader.exports.traceEvents();
}

/**
 * The nodes VS Code asks for: the roots, then the children of every node it shows expanded
 * (`all`: of every node, as if the user opened every environment).
 */
async function openTree(tree, all) {
  let nodes = 0;
  const visit = async (node) => {
    for (const child of await tree.getChildren(node)) {
      nodes++;
      const item = tree.getTreeItem(child);
      if (all ? item.collapsibleState !== 0 : item.collapsibleState === 2) await visit(child);
    }
  };
  await visit(undefined);
  return nodes;
}

async function runWithResults() {
  const heap = collector();
  await idle();
  const kagiId = process.env.KAGI_BENCH_KAGI_ID;
  const activation_ms = {};
  const activation_cpu_ms = {};
  const activation_heap = {};
  let vault_loaded_at_activation;
  let commands_loaded_at_activation;
  for (const id of process.env.KAGI_BENCH_ORDER.split(',')) {
    const before = heap();
    const timed = await profiled(id, () => activateTimed(id));
    activation_ms[id] = timed.ms;
    activation_cpu_ms[id] = timed.cpu_ms;
    if (id === kagiId) {
      vault_loaded_at_activation = ['vault.js', 'vault-shared.js'].some(loaded);
      commands_loaded_at_activation = loaded('commands.js');
    }
    // Whatever an activation starts in the background finishes before the next one is timed.
    await idle();
    activation_heap[id] = heap() - before;
  }
  const kagi = vscode.extensions.getExtension(kagiId);
  const api = kagi.exports;
  const code_cache = cacheEvents(kagi.extensionPath);
  const heapBefore = heap();
  const codeBefore = codeBytes();
  snapshot('before');
  for (const v of api.vaults()) await api.listing(v);
  const heapListed = heap();
  snapshot('listed');
  const nodesShown = await openTree(api.tree, false);
  const heapShown = heap();
  const codeShown = codeBytes();
  snapshot('shown');
  const nodes = await openTree(api.tree, true);
  const heapAfter = heap();
  return {
    stats: { tests: 0, passes: 0, failures: 0, pending: 0, duration: 0 },
    passes: [],
    failures: [],
    pending: [],
    bench: {
      activation_ms,
      activation_cpu_ms,
      activation_heap,
      vault_loaded_at_activation,
      commands_loaded_at_activation,
      code_cache,
      heapBefore,
      heapListed,
      heapShown,
      heapAfter,
      codeBefore,
      codeShown,
      nodesShown,
      nodes,
    },
  };
}

module.exports = { runWithResults };
