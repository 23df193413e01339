// Recompresses the VSIX `vsce package` wrote, losslessly: advzip (Debian `advancecomp`) deflates
// every entry again with zopfli, which finds shorter encodings than zlib's level 6 that vsce
// uses. Same files, same bytes once inflated, a standard zip: about 3.5% smaller download
// (bench/README.md, "VSIX, round 2"). Usage: node scripts/repack-vsix.mjs <file.vsix>
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/repack-vsix.mjs <file.vsix>');
  process.exit(2);
}

const before = statSync(file).size;
// -z recompress, -4 zopfli ("insane"), -q quiet. advzip checks each entry's CRC while it works.
const r = spawnSync('advzip', ['-z', '-4', '-q', file], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.error && r.error.code === 'ENOENT') {
  console.error(
    'repack-vsix: advzip is not installed. Install it (Debian: apt-get install advancecomp) and run npm run package again.',
  );
  process.exit(1);
}
if (r.status !== 0) {
  console.error(
    `repack-vsix: advzip failed on ${file} (exit ${r.status ?? r.signal}): check it with unzip -t, or run npm run package again.`,
  );
  process.exit(1);
}
const after = statSync(file).size;
console.log(`repack-vsix: ${file} ${(before / 1024).toFixed(1)} KB -> ${(after / 1024).toFixed(1)} KB`);
