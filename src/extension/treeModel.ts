// The sidebar tree as plain data, built by one pure function over vault listings.
// No vscode import: the benchmark and unit tests build it in plain Node, and the
// TreeDataProvider only maps nodes to TreeItems. Listings hold no values, so
// nothing here can leak one.
import { l10n } from './pureL10n';
import { type Blocked, type FileInfo, joinScope, type Listing, type ScopeKeys, splitScope } from '../vault';

export const MASK = '••••••••';

export type NodeKind = 'folder' | 'service' | 'env' | 'key' | 'file' | 'notice' | 'action';

/** Where a node points in a vault; commands take this as their argument. */
export interface NodeRef {
  /** the vault's root folder (absolute path) */
  vault: string;
  service?: string;
  env?: string;
  scope?: string;
  key?: string;
  /** a file artifact's locator (`repo:<path>`), unique in its scope */
  file?: string;
}

export interface TreeNode {
  /** stable across refreshes so expansion state survives */
  id: string;
  kind: NodeKind;
  label: string;
  description?: string;
  tooltip?: string;
  /** a codicon id */
  icon: string;
  iconColor?: string;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  children: TreeNode[];
  command?: { command: string; title: string };
  ref: NodeRef;
}

export interface VaultInput {
  folderName: string;
  listing: Listing;
  /** the env tasks, debugging and completions use in this folder */
  activeEnv: string;
}

/** One top-level node per folder when several vaults are open, else the vault's content. */
export function buildTreeModel(vaults: VaultInput[]): TreeNode[] {
  if (vaults.length === 1) return vaultChildren(vaults[0]!);
  return vaults.map((v) => ({
    id: `${v.listing.root}#folder`,
    kind: 'folder',
    label: v.folderName,
    description: describeFolder(v.listing),
    tooltip: v.listing.root,
    icon: v.listing.blocked ? 'lock' : 'folder-library',
    contextValue: 'kagi.folder',
    collapsible: 'expanded',
    children: vaultChildren(v),
    ref: { vault: v.listing.root },
  }));
}

function describeFolder(l: Listing): string | undefined {
  return l.blocked ? l10n.t('locked') : undefined;
}

function vaultChildren(v: VaultInput): TreeNode[] {
  const { listing } = v;
  const notices = listing.blocked ? blockedNodes(listing.root, listing.blocked) : [];
  if (listing.blocked?.state === 'bad-config') return notices;
  return [...notices, ...groups(v)];
}

/** (root) first, then services by name. */
function groups(v: VaultInput): TreeNode[] {
  const byService = new Map<string | undefined, Set<string>>();
  // A file may belong to a scope kagi.json does not list (docs/format.md §4.3).
  for (const scope of new Set([...v.listing.scopes, ...(v.listing.files?.keys() ?? [])])) {
    const { service, env } = splitScope(scope);
    if (!byService.has(service)) byService.set(service, new Set());
    byService.get(service)!.add(env);
  }
  const services = [...byService.keys()].filter((s): s is string => s !== undefined).sort();
  const out: TreeNode[] = [];
  if (byService.has(undefined) || services.length === 0)
    out.push(new ServiceNode(v, undefined, byService.get(undefined)));
  for (const s of services) out.push(new ServiceNode(v, s, byService.get(s)));
  return out;
}

/**
 * A service and its environments. Like every node a large vault shows, it keeps where it
 * points and derives its texts when VS Code asks (getTreeItem): a 30k-secret vault shows 800
 * of these, and precomputed ids, tooltips and refs used to cost ~1 KB each
 * (bench `host_heap_after_listing`).
 */
class ServiceNode implements TreeNode {
  readonly children: TreeNode[];

  constructor(
    private readonly v: VaultInput,
    private readonly service: string | undefined,
    existing = new Set<string>(),
  ) {
    this.children = orderedEnvs(v.listing.envs, existing).map((env) => new EnvNode(v, service, env));
  }

  get kind(): NodeKind {
    return 'service';
  }
  get id(): string {
    return `${this.v.listing.root}#svc:${this.service ?? ''}`;
  }
  get label(): string {
    return this.service ?? l10n.t('(root)');
  }
  get description(): string | undefined {
    return this.service === undefined ? l10n.t('root scopes') : undefined;
  }
  get tooltip(): string {
    return this.service === undefined ? l10n.t('Scopes without a service') : l10n.t('Service {0}', this.service);
  }
  get icon(): string {
    return this.service === undefined ? 'root-folder' : 'server';
  }
  get contextValue(): string {
    return this.service === undefined ? 'kagi.root' : 'kagi.service';
  }
  get collapsible(): TreeNode['collapsible'] {
    return 'expanded';
  }
  get ref(): NodeRef {
    return { vault: this.v.listing.root, ...(this.service ? { service: this.service } : {}) };
  }
}

/** Configured envs in their configured order, then envs only found in scopes. */
function orderedEnvs(configured: string[], existing: Set<string>): string[] {
  const extra = [...existing].filter((e) => !configured.includes(e)).sort();
  return [...configured, ...extra];
}

/**
 * An environment: a view over the listing, not a copy of it. It holds no key list and no
 * tooltip; environments start collapsed, and VS Code asks for a node's children only when it
 * is expanded: key nodes are built then, once, instead of for all 30,000 keys of a large
 * vault on every refresh.
 */
class EnvNode implements TreeNode {
  private built?: TreeNode[];

  constructor(
    private readonly v: VaultInput,
    private readonly service: string | undefined,
    readonly label: string,
  ) {}

  get kind(): NodeKind {
    return 'env';
  }
  private get scope(): string {
    return joinScope(this.service, this.label);
  }
  private get keys(): ScopeKeys | undefined {
    return this.v.listing.keys?.get(this.scope);
  }
  private get files(): FileInfo[] {
    return this.v.listing.files?.get(this.scope) ?? [];
  }
  private get error(): Blocked | undefined {
    return this.v.listing.scopeErrors.get(this.scope);
  }
  private get isDefault(): boolean {
    return this.label === this.v.listing.defaultEnv;
  }
  private get isActive(): boolean {
    return this.label === this.v.activeEnv;
  }
  get id(): string {
    return `${this.v.listing.root}#env:${this.scope}`;
  }
  get description(): string | undefined {
    const { keys, files } = this;
    const marks = [
      keys ? countKeys(keys.size) : undefined,
      files.length ? countFiles(files.length) : undefined,
      this.isDefault ? l10n.t('default') : undefined,
      this.isActive ? l10n.t('active') : undefined,
    ].filter((m): m is string => m !== undefined);
    return marks.join(' · ') || undefined;
  }
  get tooltip(): string {
    const keys = this.keys;
    const lines = [l10n.t('Scope {0}', this.scope)];
    if (keys) lines.push(countKeys(keys.size));
    if (this.isDefault) lines.push(l10n.t('Default environment'));
    if (this.isActive) lines.push(l10n.t('Active environment (tasks, debugging, completions)'));
    return lines.join('\n');
  }
  get icon(): string {
    return this.error ? 'warning' : this.isActive ? 'layers-active' : 'layers';
  }
  get contextValue(): string {
    return envContext(this.v.listing, this.isDefault);
  }
  get collapsible(): TreeNode['collapsible'] {
    return this.error || (this.keys?.size ?? 0) > 0 || this.files.length > 0 ? 'collapsed' : 'none';
  }
  get ref(): NodeRef {
    return {
      vault: this.v.listing.root,
      env: this.label,
      scope: this.scope,
      ...(this.service ? { service: this.service } : {}),
    };
  }
  get children(): TreeNode[] {
    return (this.built ??= this.build());
  }

  private build(): TreeNode[] {
    const { root } = this.v.listing;
    const { scope, error } = this;
    if (error) return [noticeNode(`${root}#err:${scope}`, error, { vault: root, scope })];
    return [
      ...(this.keys?.infos() ?? []).map((k) => new KeyNode(root, scope, k.key, k.description)),
      ...this.files.map((f) => fileNode(root, scope, f)),
    ];
  }
}

function countFiles(n: number): string {
  return n === 1 ? l10n.t('1 file') : l10n.t('{0} files', n);
}

/** Human sizes for the tree; the tooltip has the exact byte count. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function fileNode(root: string, scope: string, f: FileInfo): TreeNode {
  return {
    id: `${root}#file:${scope}:${f.locator}`,
    kind: 'file',
    label: f.name,
    description: `${formatSize(f.size)} · ${f.locator}`,
    tooltip: l10n.t(
      'Encrypted file {0} in {1}\n{2}, {3} bytes\nThe content stays encrypted: use Open or Restore to Disk.',
      f.name,
      scope,
      f.locator,
      f.size,
    ),
    icon: 'file-binary',
    contextValue: 'kagi.file',
    collapsible: 'none',
    children: [],
    ref: { vault: root, scope, file: f.locator },
  };
}

function envContext(l: Listing, isDefault: boolean): string {
  if (l.blocked) return 'kagi.env.locked';
  return isDefault ? 'kagi.env.default' : 'kagi.env';
}

function countKeys(n: number): string {
  return n === 1 ? l10n.t('1 key') : l10n.t('{0} keys', n);
}

/** A secret, masked: its texts are derived when asked, as for environments (see ServiceNode). */
class KeyNode implements TreeNode {
  constructor(
    private readonly root: string,
    private readonly scope: string,
    readonly label: string,
    private readonly keyDescription: string | undefined,
  ) {}

  get kind(): NodeKind {
    return 'key';
  }
  get id(): string {
    return `${this.root}#key:${this.scope}:${this.label}`;
  }
  get description(): string {
    return this.keyDescription ? `${MASK}  ${this.keyDescription}` : MASK;
  }
  get tooltip(): string {
    return [
      l10n.t('{0} in {1}', this.label, this.scope),
      this.keyDescription,
      l10n.t('The value stays hidden: use Reveal or Copy.'),
    ]
      .filter((l): l is string => !!l)
      .join('\n');
  }
  get icon(): string {
    return 'key';
  }
  get contextValue(): string {
    return 'kagi.key';
  }
  get collapsible(): TreeNode['collapsible'] {
    return 'none';
  }
  get children(): TreeNode[] {
    return [];
  }
  get ref(): NodeRef {
    return { vault: this.root, scope: this.scope, key: this.label };
  }
}

interface Remedy {
  label: string;
  command: string;
  icon: string;
}

/** What a person can do about each blocked state. */
function remedy(state: Blocked['state']): Remedy | undefined {
  switch (state) {
    case 'no-identity':
    case 'not-a-member':
      return { label: l10n.t('Request access…'), command: 'kagi.requestAccess', icon: 'person-add' };
    case 'pending':
      return { label: l10n.t('Show access status'), command: 'kagi.showStatus', icon: 'info' };
    case 'restricted':
      return { label: l10n.t('Manage Workspace Trust…'), command: 'workbench.trust.manage', icon: 'shield' };
    case 'bad-key':
    case 'bad-config':
    case 'error':
      return { label: l10n.t('Show status'), command: 'kagi.showStatus', icon: 'info' };
  }
}

/** A function, not a table: the words are translated when shown, after activation. */
function headline(state: Blocked['state']): string {
  switch (state) {
    case 'restricted':
      return l10n.t('Restricted Mode: nothing is decrypted');
    case 'no-identity':
      return l10n.t('This device has no kagi identity');
    case 'pending':
      return l10n.t('Access request pending approval');
    case 'not-a-member':
      return l10n.t('This device is not a member');
    case 'bad-key':
      return l10n.t('The project key is invalid');
    case 'bad-config':
      return l10n.t("kagi.json can't be read");
    case 'error':
      return l10n.t("The vault can't be opened");
  }
}

function blockedNodes(root: string, b: Blocked): TreeNode[] {
  const nodes = [noticeNode(`${root}#blocked`, b, { vault: root })];
  const r = remedy(b.state);
  if (r) {
    nodes.push({
      id: `${root}#remedy`,
      kind: 'action',
      label: r.label,
      icon: r.icon,
      contextValue: 'kagi.action',
      collapsible: 'none',
      children: [],
      command: { command: r.command, title: r.label },
      ref: { vault: root },
      tooltip: b.hint,
    });
  }
  return nodes;
}

function noticeNode(id: string, b: Blocked, ref: NodeRef): TreeNode {
  const label = id.endsWith('#blocked') ? headline(b.state) : l10n.t("Can't decrypt this scope");
  return {
    id,
    kind: 'notice',
    label,
    tooltip: [b.message, b.hint].filter(Boolean).join('\n'),
    icon: 'warning',
    iconColor: 'problemsWarningIcon.foreground',
    contextValue: 'kagi.notice',
    collapsible: 'none',
    children: [],
    ref,
  };
}

/** Depth-first walk, for tests and lookups by id. */
export function* walk(nodes: TreeNode[]): Generator<TreeNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}
