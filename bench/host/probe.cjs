// Runs inside code-server's extension host (loaded by test/runner-extension as its "suite",
// see bench/cases/host.ts). It activates the empty extension and Kagi through the API in the
// order the bench gives, then reads the host's heap before and after the Secrets tree is
// opened on the 30k vault. Nothing here prints or returns a value of the vault.
'use strict';
const v8 = require('v8');
const vm = require('vm');
const vscode = require('vscode');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function activateTimed(id) {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`${id} is not installed`);
  if (ext.isActive) throw new Error(`${id} was already active: the timing would be meaningless`);
  const t0 = performance.now();
  await ext.activate();
  return performance.now() - t0;
}

/** Every node the tree can show, as VS Code would ask for them (roots, then children). */
async function openTree(tree) {
  let nodes = 0;
  const visit = async (node) => {
    for (const child of await tree.getChildren(node)) {
      nodes++;
      tree.getTreeItem(child);
      await visit(child);
    }
  };
  await visit(undefined);
  return nodes;
}

async function runWithResults() {
  const heap = collector();
  const settle = Number(process.env.KAGI_BENCH_SETTLE_MS || 3000);
  await sleep(settle);
  const kagiId = process.env.KAGI_BENCH_KAGI_ID;
  const activation_ms = {};
  const heapAfterActivation = {};
  const heapStart = heap();
  for (const id of process.env.KAGI_BENCH_ORDER.split(',')) {
    activation_ms[id] = await profiled(id, () => activateTimed(id));
    // Whatever an activation starts in the background finishes before the next one is timed.
    await sleep(settle);
    heapAfterActivation[id] = heap();
  }
  const api = vscode.extensions.getExtension(kagiId).exports;
  const heapBefore = heap();
  for (const v of api.vaults()) await api.listing(v);
  const heapListed = heap();
  const nodes = await openTree(api.tree);
  const heapAfter = heap();
  return {
    stats: { tests: 0, passes: 0, failures: 0, pending: 0, duration: 0 },
    passes: [],
    failures: [],
    pending: [],
    bench: { activation_ms, heapStart, heapAfterActivation, heapBefore, heapListed, heapAfter, nodes },
  };
}

module.exports = { runWithResults };
