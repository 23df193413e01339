// package.json's `contributes.commands` and `contributes.menus`, generated from the command
// table (commandTable.ts) as js-debug generates its contributions: `npm run gen:contributions`
// writes them, test/unit/contributions.test.ts fails when package.json differs. Pure, no `vscode`.
import { CATEGORY, COMMAND_IDS, commandSpec, type MenuLocation } from './commandTable';

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

export function contributedCommands(): ContributedCommand[] {
  return COMMAND_IDS.map((id) => {
    const spec = commandSpec(id);
    return { command: id, title: spec.title, category: CATEGORY, icon: `$(${spec.icon})` };
  });
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

/** `pkg` (package.json, parsed) with its generated contributions replaced, other fields untouched. */
export function withGeneratedContributions<T extends { contributes: Record<string, unknown> }>(pkg: T): T {
  return {
    ...pkg,
    contributes: { ...pkg.contributes, commands: contributedCommands(), menus: contributedMenus() },
  };
}
