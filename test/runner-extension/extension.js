// Test-runner extension for the code-server harness (scripts/vscode/integration.mjs).
// Does nothing unless KAGI_IT_RESULTS is set in the environment of the code-server process.
//   KAGI_IT_RESULTS  file to write: { activation, stats, passes, failures, pending, error? }
//   KAGI_IT_INDEX    bundled suite index (exports runWithResults); the harness puts the bundle
//                    inside this extension's folder so `require('vscode')` in it maps to us
//   KAGI_IT_EXTENSION_ID  extension under test (default kagi-vault.kagi-vscode)
// Activation time: this extension activates on '*' (before the extension under test normally
// does). It watches the other extension become active without triggering it, so its own
// activation events stay what they are; the harness turns `activeObservedAt` and the
// `_doActivateExtension` log line's timestamp into a duration. If nothing activated it within
// KAGI_IT_ACTIVATION_WAIT ms, it activates it itself through the API and times `await activate()`.
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function observeActivation(id) {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) return { extension: id, found: false };
  const runnerStartedAt = Date.now();
  if (ext.isActive) return { extension: id, found: true, alreadyActive: true, runnerStartedAt };
  const wait = Number(process.env.KAGI_IT_ACTIVATION_WAIT || 3000);
  while (Date.now() - runnerStartedAt < wait) {
    await sleep(2);
    if (ext.isActive) {
      return {
        extension: id,
        found: true,
        alreadyActive: false,
        by: 'own activation event',
        runnerStartedAt,
        activeObservedAt: Date.now(),
      };
    }
  }
  const t0 = performance.now();
  try {
    await ext.activate();
  } catch (e) {
    return { extension: id, found: true, alreadyActive: false, by: 'api', error: String((e && e.stack) || e) };
  }
  return {
    extension: id,
    found: true,
    alreadyActive: false,
    by: 'api',
    runnerStartedAt,
    activation_ms: Math.round((performance.now() - t0) * 10) / 10,
  };
}

// Returns at once: awaiting the suite inside activate() would hold up the host's startup
// (onStartupFinished waits for every '*' activation).
function activate() {
  const resultsFile = process.env.KAGI_IT_RESULTS;
  if (!resultsFile || started || fs.existsSync(resultsFile)) return;
  started = true;
  const id = process.env.KAGI_IT_EXTENSION_ID || 'kagi-vault.kagi-vscode';
  const activation = observeActivation(id);
  activation.then(() => runSuite(resultsFile, id, activation));
}

async function runSuite(resultsFile, id, activationPromise) {
  const activation = await activationPromise;
  console.log(`[kagi-it-runner] running ${process.env.KAGI_IT_INDEX} -> ${resultsFile}`);
  try {
    const index = require(process.env.KAGI_IT_INDEX);
    const results = await index.runWithResults({ activation });
    write(resultsFile, results);
  } catch (e) {
    write(resultsFile, {
      activation,
      error: String((e && e.stack) || e),
      stats: { tests: 0, passes: 0, failures: 1, pending: 0, duration: 0 },
      passes: [],
      pending: [],
      failures: [
        {
          fullTitle: 'integration suite could not run',
          title: 'load',
          err: { message: String((e && e.message) || e), stack: String((e && e.stack) || '') },
        },
      ],
    });
  }
}

function deactivate() {}

module.exports = { activate, deactivate };
