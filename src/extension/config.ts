// Every `kagi.*` setting: its type, default and bounds, and one typed getter each. Every read of
// a Kagi setting goes through `ctx.config()` (a lint rule forbids reading them elsewhere), and
// test/unit/config.test.ts checks this table against package.json's `contributes.configuration`.
// No `vscode` at runtime, so plain-Node tests can import it.
import type * as vscode from 'vscode';

interface NumberSetting {
  type: 'number';
  default: number;
  minimum: number;
  maximum: number;
}
interface BooleanSetting {
  type: 'boolean';
  default: boolean;
}
interface StringSetting {
  type: 'string';
  default: string;
}
interface StringListSetting {
  type: 'array';
  default: readonly string[];
}
type SettingSpec = (NumberSetting | BooleanSetting | StringSetting | StringListSetting) & {
  /**
   * VS Code's configuration scope, when not the default (resource). `machine`: user settings
   * only, so a repository's `.vscode/settings.json` cannot set it (VS Code ignores it there).
   */
  scope?: 'window' | 'machine';
};

/** Keys are relative to the `kagi` section. */
export const SETTINGS = {
  clipboardClearSeconds: { type: 'number', default: 30, minimum: 0, maximum: 600 },
  'diagnostics.envExample': { type: 'boolean', default: true },
  // Puts secrets into every terminal: the person's choice, never a cloned repository's.
  'terminal.injectActiveScope': { type: 'boolean', default: false, scope: 'machine' },
  'terminal.service': { type: 'string', default: '', scope: 'window' },
  protectedEnvironments: { type: 'array', default: ['production'] },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

export const SECTION = 'kagi';

/** The full id of a setting, as `affectsConfiguration` and package.json name it. */
export const settingId = (key: SettingKey): string => `${SECTION}.${key}`;

/** What VS Code's WorkspaceConfiguration offers for reading (the `kagi` section). */
export type ConfigSource = Pick<vscode.WorkspaceConfiguration, 'get'>;

function readNumber(source: ConfigSource, key: SettingKey, spec: NumberSetting): number {
  const v = source.get<unknown>(key);
  if (typeof v !== 'number' || !Number.isFinite(v)) return spec.default;
  return Math.min(spec.maximum, Math.max(spec.minimum, v));
}

function readBoolean(source: ConfigSource, key: SettingKey, spec: BooleanSetting): boolean {
  const v = source.get<unknown>(key);
  return typeof v === 'boolean' ? v : spec.default;
}

function readString(source: ConfigSource, key: SettingKey, spec: StringSetting): string {
  const v = source.get<unknown>(key);
  return typeof v === 'string' ? v.trim() : spec.default;
}

function readStringList(source: ConfigSource, key: SettingKey, spec: StringListSetting): string[] {
  const v = source.get<unknown>(key);
  if (!Array.isArray(v)) return [...spec.default];
  return v.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
}

/**
 * The Kagi settings of one scope, typed and validated: a value of the wrong type (settings.json
 * is hand-edited) reads as the default, a number outside its bounds as the nearest bound.
 */
export class KagiConfig {
  constructor(private readonly source: ConfigSource) {}

  /** Seconds after Copy Value before the clipboard is cleared (if it still holds the value). */
  get clipboardClearSeconds(): number {
    return readNumber(this.source, 'clipboardClearSeconds', SETTINGS.clipboardClearSeconds);
  }

  /** Warn on `.env.example` keys the active environment lacks. */
  get envExampleDiagnostics(): boolean {
    return readBoolean(this.source, 'diagnostics.envExample', SETTINGS['diagnostics.envExample']);
  }

  /** Put the active scope's secrets into every new integrated terminal. */
  get terminalInjectActiveScope(): boolean {
    return readBoolean(this.source, 'terminal.injectActiveScope', SETTINGS['terminal.injectActiveScope']);
  }

  /** The service whose active scope terminals get ('' : the only service, or the root scope). */
  get terminalService(): string {
    return readString(this.source, 'terminal.service', SETTINGS['terminal.service']);
  }

  /** Environments whose secrets a task, launch or terminal receives only after a modal question. */
  get protectedEnvironments(): string[] {
    return readStringList(this.source, 'protectedEnvironments', SETTINGS.protectedEnvironments);
  }
}
