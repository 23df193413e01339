// Test-runner extension for the code-server harness (scripts/vscode/integration.mjs).
// Does nothing unless KAGI_IT_RESULTS is set in the environment of the code-server process.
//   KAGI_IT_RESULTS  file to write: { stats, passes, failures, pending, activation, error? }
//   KAGI_IT_INDEX    compiled suite index (out/integration/index.js) exporting runWithResults()
//   KAGI_IT_EXTENSION_ID  extension under test (default kagi-vault.kagi-vscode)
'use strict';
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

let started = false;

function write(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
  fs.renameSync(tmp, file);
}

async function measureActivation(id) {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) return { extension: id, found: false };
  if (ext.isActive) return { extension: id, found: true, alreadyActive: true };
  const t0 = performance.now();
  await ext.activate();
  return { extension: id, found: true, alreadyActive: false, activation_ms: Math.round((performance.now() - t0) * 10) / 10 };
}

async function activate() {
  const resultsFile = process.env.KAGI_IT_RESULTS;
  if (!resultsFile || started || fs.existsSync(resultsFile)) return;
  started = true;
  const id = process.env.KAGI_IT_EXTENSION_ID || 'kagi-vault.kagi-vscode';
  console.log(`[kagi-it-runner] running ${process.env.KAGI_IT_INDEX} -> ${resultsFile}`);
  let activation = null;
  try {
    try {
      activation = await measureActivation(id);
    } catch (e) {
      activation = { extension: id, found: true, error: String(e && e.stack || e) };
    }
    const index = require(process.env.KAGI_IT_INDEX);
    const results = await index.runWithResults();
    write(resultsFile, { ...results, activation });
  } catch (e) {
    write(resultsFile, {
      activation,
      error: String(e && e.stack || e),
      stats: { tests: 0, passes: 0, failures: 1, pending: 0, duration: 0 },
      passes: [], pending: [],
      failures: [{ fullTitle: 'integration suite could not run', title: 'load', err: { message: String(e && e.message || e), stack: String(e && e.stack || '') } }],
    });
  }
}

function deactivate() {}

module.exports = { activate, deactivate };
