// "May these secrets go into a program's environment without asking?" — for `kagi run`, tasks,
// debug launches and terminals. A key with a dangerous name (inject/dangerousNames.ts) is injected
// without a question only when this device wrote or approved that very value in that scope.
import type { Project } from '../project/project';
import { approvalId, approvalMac, approvalsPath, readApprovals, writeApprovals } from '../inject/approvals';
import { dangerousNames } from '../inject/dangerousNames';
import type { SecretEnv } from './processEnv';

export { isDangerousName, dangerousNames, dangerousWarning } from '../inject/dangerousNames';

/** The dangerous keys of `secrets` whose current value this device has not written or approved. */
export async function unapprovedDangerous(project: Project, scope: string, secrets: SecretEnv): Promise<string[]> {
  const names = dangerousNames(Object.keys(secrets));
  if (names.length === 0) return [];
  const { key } = await project.key();
  const approvals = readApprovals(approvalsPath(project.dataDir, project.projectId()));
  return names.filter((n) => approvals.get(approvalId(scope, n)) !== approvalMac(key, scope, n, secrets[n]!));
}

/**
 * Records that this device wrote or approved these values (after `set`/`import` here, or after
 * the person said yes). Only dangerous names are recorded; others never need approval.
 */
export async function approveDangerous(project: Project, scope: string, secrets: SecretEnv): Promise<void> {
  const names = dangerousNames(Object.keys(secrets));
  if (names.length === 0) return;
  const { key } = await project.key();
  const file = approvalsPath(project.dataDir, project.projectId());
  const approvals = readApprovals(file);
  for (const n of names) approvals.set(approvalId(scope, n), approvalMac(key, scope, n, secrets[n]!));
  writeApprovals(file, approvals);
}
