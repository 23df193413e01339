// package.json's `contributes.commands` and `contributes.menus`, generated from the command
// table (commandTable.ts) as js-debug generates its contributions: `npm run gen:contributions`
// writes them, test/unit/contributions.test.ts fails when package.json differs. Command titles
// and the category are `%key%` placeholders whose English text goes to package.nls.json
// (manifestL10n.ts moves the manifest's other strings there). Pure, no `vscode`.
import { CATEGORY, COMMAND_IDS, commandSpec, type CommandId, type MenuLocation } from './commandTable';
import { localizeManifest, type Nls } from './manifestL10n';

export interface ContributedCommand {
  command: string;
  title: string;
  category: string;
  icon: string;
}

export interface ContributedMenuItem {
  command: string;
  when?: string;
  group?: string;
}

/** The order of the menu locations in package.json. */
const LOCATIONS: MenuLocation[] = [
  'view/title',
  'view/item/context',
  'explorer/context',
  'scm/resourceState/context',
  'commandPalette',
];

const TRUSTED = 'isWorkspaceTrusted';

const CATEGORY_KEY = 'command.category';
const titleKey = (id: CommandId): string => `command.${id}`;

export function contributedCommands(): ContributedCommand[] {
  return COMMAND_IDS.map((id) => ({
    command: id,
    title: `%${titleKey(id)}%`,
    category: `%${CATEGORY_KEY}%`,
    icon: `$(${commandSpec(id).icon})`,
  }));
}

/** The English text of the command placeholders (package.nls.json). */
export function commandTexts(): Nls {
  const out: Nls = { [CATEGORY_KEY]: CATEGORY };
  for (const id of COMMAND_IDS) out[titleKey(id)] = commandSpec(id).title;
  return out;
}

/**
 * Every menu item, by location. Commands that are not structure-only get `isWorkspaceTrusted`
 * appended to their `when`, so they never show in Restricted Mode.
 */
export function contributedMenus(): Record<MenuLocation, ContributedMenuItem[]> {
  const out = Object.fromEntries(LOCATIONS.map((l) => [l, [] as ContributedMenuItem[]])) as Record<
    MenuLocation,
    ContributedMenuItem[]
  >;
  for (const id of COMMAND_IDS) {
    const spec = commandSpec(id);
    for (const m of spec.menus ?? []) {
      const clauses = [m.when, spec.capability === 'structure' ? undefined : TRUSTED].filter((c) => c !== undefined);
      out[m.where].push({
        command: id,
        ...(clauses.length ? { when: clauses.join(' && ') } : {}),
        ...(m.group ? { group: m.group } : {}),
      });
    }
  }
  return out;
}

/**
 * `pkg` (package.json, parsed) with its generated contributions replaced and its shown strings
 * as placeholders, and package.nls.json to go with it (`nls`: the file as it was).
 */
export function withGeneratedContributions<T extends { contributes: Record<string, unknown> }>(
  pkg: T,
  nls: Nls,
): { manifest: T; nls: Nls } {
  const generated = {
    ...pkg,
    contributes: { ...pkg.contributes, commands: contributedCommands(), menus: contributedMenus() },
  };
  return localizeManifest(generated, nls, commandTexts());
}
