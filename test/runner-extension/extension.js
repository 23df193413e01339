// Test-runner extension for the code-server harness (scripts/vscode/integration.mjs).
// Does nothing unless KAGI_IT_RESULTS is set in the environment of the code-server process.
//   KAGI_IT_RESULTS  file to write: { stats, passes, failures, pending, activation, error? }
//   KAGI_IT_INDEX    compiled suite index (out/integration/index.js) exporting runWithResults()
//   KAGI_IT_EXTENSION_ID  extension under test (default kagi-vault.kagi-vscode)
'use strict';
const fs = require('fs');
const path = require('path');

let started = false;

function write(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
  fs.renameSync(tmp, file);
}

// Returns at once: awaiting the suite inside activate() would hold up the host's startup
// (onStartupFinished waits for every '*' activation).
function activate() {
  const resultsFile = process.env.KAGI_IT_RESULTS;
  if (!resultsFile || started || fs.existsSync(resultsFile)) return;
  started = true;
  setTimeout(() => runSuite(resultsFile), 0);
}

async function runSuite(resultsFile) {
  const id = process.env.KAGI_IT_EXTENSION_ID || 'kagi-vault.kagi-vscode';
  console.log(`[kagi-it-runner] running ${process.env.KAGI_IT_INDEX} -> ${resultsFile}`);
  try {
    // Activation is measured first thing by the index (await ext.activate() when not active yet).
    const index = require(process.env.KAGI_IT_INDEX);
    const results = await index.runWithResults();
    write(resultsFile, results);
  } catch (e) {
    write(resultsFile, {
      extension: id,
      error: String(e && e.stack || e),
      stats: { tests: 0, passes: 0, failures: 1, pending: 0, duration: 0 },
      passes: [], pending: [],
      failures: [{ fullTitle: 'integration suite could not run', title: 'load', err: { message: String(e && e.message || e), stack: String(e && e.stack || '') } }],
    });
  }
}

function deactivate() {}

module.exports = { activate, deactivate };
