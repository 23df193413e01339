// Entry for `npm run bench`: builds the CLI, then runs the TypeScript benchmarks through tsx.
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
// --no-memory-reducer: V8 shrinks an idle process's heap on a timer, and every in-process case
// measured after it fired ran with a small young generation: the dotenv baseline of open_list
// took ~100 ms instead of ~53, depending on whether the bench had waited on a child before
// (bench/README.md, "Method"). A CLI run never lives long enough for it to fire.
execFileSync(
  process.execPath,
  ['--expose-gc', '--no-memory-reducer', '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
