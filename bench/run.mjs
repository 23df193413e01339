// Entry for `npm run bench`: builds the CLI, then runs the TypeScript benchmarks through tsx.
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
