// Entry for `npm run bench`: builds the CLI, then runs the TypeScript benchmarks through tsx.
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });

// Variables that change every Node start, on both sides of a ratio, are not the product's cost:
// NODE_EXTRA_CA_CERTS (set on the team's machine) loads a CA bundle at each start, ~60 ms here,
// which diluted run_vs_floor from ~1.55 to ~1.22 (bench/README.md, round 10). A user's `kagi`
// rarely has either; the bench and every process it times run without them.
const env = { ...process.env };
for (const name of ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']) {
  if (env[name] === undefined) continue;
  process.stderr.write(`bench: ${name} is not passed to the benchmarks\n`);
  delete env[name];
}

// --no-memory-reducer: V8 shrinks an idle process's heap on a timer, and every in-process case
// measured after it fired ran with a small young generation: the dotenv baseline of open_list
// took ~100 ms instead of ~53, depending on whether the bench had waited on a child before
// (bench/README.md, "Method"). A CLI run never lives long enough for it to fire.
execFileSync(
  process.execPath,
  ['--expose-gc', '--no-memory-reducer', '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env,
  },
);
