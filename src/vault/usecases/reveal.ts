import { KagiError } from '../errors';
import type { Project } from '../project/project';
import { readScopes } from './secrets';

/**
 * One secret's value, for an explicit, confirmed reveal or copy. Callers hand it
 * straight to the person; it is never cached, logged or put in an error.
 */
export async function readSecretValue(project: Project, scope: string, key: string): Promise<string> {
  const store = (await readScopes(project, [scope])).get(scope);
  const secret = store?.secrets.get(key);
  if (!secret) {
    throw new KagiError(
      'key-not-found',
      `${key} does not exist in ${scope}`,
      'refresh the Kagi view; someone may have removed it',
    );
  }
  return secret.value;
}
