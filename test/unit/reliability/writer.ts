/**
 * A child process for the concurrency test: `node --import tsx writer.ts <root> <scope> <prefix> <count>`
 * sets <prefix>_0 … <prefix>_<count-1> in <scope>, one `set` (one lock, one read-modify-write) each,
 * as the CLI and the extension would. KAGI_HOME comes from the environment.
 */
import { Project } from '../../../src/vault/project/project';
import { setSecrets } from '../../../src/vault/usecases/secrets';

async function main(): Promise<void> {
  const [root, scope, prefix, count] = process.argv.slice(2);
  const host = { env: process.env };
  for (let i = 0; i < Number(count); i++) {
    // A fresh handle per write, like separate CLI invocations (nothing cached but the key).
    await setSecrets(Project.open(root!, host), scope!, [{ key: `${prefix}_${i}`, value: `${prefix} value ${i}` }]);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(
      `writer failed: ${(e as Error).name} ${(e as { code?: string }).code ?? ''} ${(e as Error).message}\n`,
    );
    process.exit(1);
  },
);
