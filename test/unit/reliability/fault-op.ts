/**
 * A child process for the fault tests: `node --import tsx fault-op.ts <op> <root> [args…]`
 * (set SCOPE KEY VALUE, import SCOPE FILE, rotate MEMBER_ID, export DIR, file-add SCOPE PATH,
 * read) runs one write (or, for `read`, opens everything) through the vault API, so the test
 * can start it under `prlimit --fsize`, without the right to write a folder, or on a full file
 * system. KAGI_HOME comes from the environment. Prints the KagiError's text.
 */
import { Project } from '../../../src/vault/project/project';
import { readScopes, setSecrets } from '../../../src/vault/usecases/secrets';
import { addFile, listFiles } from '../../../src/vault/usecases/files';
import { applyImport, planExport, writeExport } from '../../../src/vault/usecases/dotenv';
import { removeMember } from '../../../src/vault/team/rotation';
import { parseDotenv, readDotenvFile } from '../../../src/vault/dotenv';
import { isKagiError } from '../../../src/vault/errors';

async function main(): Promise<void> {
  const [op, root, a, b, c] = process.argv.slice(2) as [string, string, string, string, string];
  const project = Project.open(root, { env: process.env });
  switch (op) {
    case 'set':
      await setSecrets(project, a, [{ key: b, value: c }]);
      return;
    case 'import': {
      const entries = parseDotenv(readDotenvFile(b, { followLinks: true })!, 'import.env');
      await applyImport(project, { scope: a, entries }, { overwrite: true });
      return;
    }
    case 'rotate':
      await removeMember(project, a, () => {});
      return;
    case 'export':
      writeExport(await planExport(project, { kind: 'service', service: 'api' }, a));
      return;
    case 'file-add':
      await addFile(project, { scope: a, path: b, cwd: root });
      return;
    case 'read': {
      // Opens every store and file (what a read command does); prints counts, never a value.
      const scopes = await readScopes(project);
      process.stdout.write(`${scopes.size} scopes, ${(await listFiles(project)).length} files\n`);
      return;
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(isKagiError(e) ? `${e.code}: ${e.describe()}\n` : `unexpected ${(e as Error).name}\n`);
    process.exit(1);
  },
);
