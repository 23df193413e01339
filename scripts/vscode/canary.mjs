// Secret canaries: strings (secret values of a test vault, private keys...) that must never
// appear in logs or in the UI. Tests register them (one per line in <results>/canaries.txt, see
// test/integration/helpers.ts registerCanary and test/ui/lib registerCanary); at the end of a
// run the harness scans every file under the code-server logs and any extra text (page DOM)
// and fails on any hit. Hits are reported masked, never printed in full.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './server.mjs';

export const CANARY_FILE = 'canaries.txt';

export function registerCanary(resultsDir, value) {
  mkdirSync(resultsDir, { recursive: true });
  appendFileSync(path.join(resultsDir, CANARY_FILE), `${value}\n`);
}

export function readCanaries(resultsDir) {
  const f = path.join(resultsDir, CANARY_FILE);
  if (!existsSync(f)) return [];
  return [
    ...new Set(
      readFileSync(f, 'utf8')
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s.length >= 6),
    ),
  ];
}

export function mask(value) {
  return `${value.slice(0, 3)}…(${value.length} chars)`;
}

/**
 * Looks for each canary in every file under `dirs` (recursively) and in `texts`
 * ({ where, text } pairs). Returns hits: [{ canary (masked), where }].
 */
export function scanForCanaries({ canaries, dirs = [], texts = [] }) {
  const hits = [];
  if (!canaries.length) return hits;
  const check = (where, content) => {
    for (const c of canaries) if (content.includes(c)) hits.push({ canary: mask(c), where });
  };
  for (const dir of dirs) {
    for (const file of listFiles(dir)) {
      let buf;
      try {
        buf = readFileSync(file);
      } catch {
        continue;
      }
      check(file, buf.toString('utf8'));
      // UTF-16 (some storage formats) as well.
      check(`${file} (utf16)`, buf.toString('utf16le'));
    }
  }
  for (const { where, text } of texts) check(where, text);
  return hits;
}

/** Prints the result of a scan; returns true when clean. */
export function reportCanaries(hits, count) {
  if (!hits.length) {
    console.log(`[harness] secret canaries: ${count} checked, none found in logs or page text`);
    return true;
  }
  console.log(`[harness] SECRET CANARY LEAK: ${hits.length} hit(s)`);
  for (const h of hits) console.log(`  ${h.canary} found in ${h.where}`);
  return false;
}
