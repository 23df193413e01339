import * as vscode from 'vscode';
import { isKagiError } from '../vault';

/** One choice in a pick; `id` is what callers branch on, never a label. */
export interface Choice<T = string> {
  label: string;
  id: T;
  description?: string;
  detail?: string;
  iconPath?: vscode.ThemeIcon;
}

export interface InputOptions {
  title: string;
  prompt?: string;
  placeHolder?: string;
  value?: string;
  password?: boolean;
  /** returns an error message, or undefined when valid */
  validate?: (value: string) => string | undefined;
}

/**
 * An InputBox validation from a vault check that throws: the KagiError's message
 * (written never to contain a value), else `fallback`.
 */
export function validator(check: (text: string) => void, fallback: string): (text: string) => string | undefined {
  return (text) => {
    try {
      check(text);
      return undefined;
    } catch (e) {
      return isKagiError(e) ? e.message : fallback;
    }
  };
}

/**
 * Every question a command asks a person. Modal dialogs can't be clicked from
 * inside the extension host, so integration tests swap in scripted answers
 * while the real vault, files and processes still run.
 */
export interface Prompter {
  pick<T>(choices: Choice<T>[], opts: { title: string; placeHolder?: string }): Promise<T | undefined>;
  input(opts: InputOptions): Promise<string | undefined>;
  /** A modal question; resolves to the chosen button, undefined when dismissed. */
  confirm<B extends string>(message: string, detail: string, buttons: B[]): Promise<B | undefined>;
  /** Shows a secret value in a modal (never logged, never a notification toast). */
  showValue(title: string, value: string): Promise<void>;
  /** A modal with a multi-line, value-free report (status). */
  report(title: string, detail: string): Promise<void>;
  info(message: string): void;
  /** A notification with buttons; resolves to the chosen one (callers need not wait). */
  offer<B extends string>(message: string, buttons: B[]): Promise<B | undefined>;
  warn(message: string): void;
  /** An error notification with buttons; resolves to the chosen one (callers need not wait). */
  error<B extends string>(message: string, buttons?: B[]): Promise<B | undefined>;
  /**
   * Restricted Mode refused `action`: a warning offering to manage workspace trust. Apart from
   * the other messages, so a test can tell a refusal from a question or a value shown.
   */
  refuseUntrusted(action: string): void;
  /** The native open dialog for one file. */
  pickFile(opts: { title: string; openLabel: string }): Promise<vscode.Uri | undefined>;
  /** Runs a long operation under a progress notification. */
  progress<T>(title: string, task: (report: ProgressReport) => Promise<T>): Promise<T>;
  /** Copies public text (a recipient) to the clipboard; secret values go through ClipboardGuard. */
  copy(text: string): Promise<void>;
}

/** Reports a step of a long operation (message, and percent of the total added). */
export type ProgressReport = (message: string, increment?: number) => void;

/** The real thing: QuickPick, InputBox and modal messages. */
export class WindowPrompter implements Prompter {
  async pick<T>(choices: Choice<T>[], opts: { title: string; placeHolder?: string }): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(choices, {
      title: opts.title,
      placeHolder: opts.placeHolder,
      ignoreFocusOut: true,
    });
    return picked?.id;
  }

  input(opts: InputOptions): Promise<string | undefined> {
    return Promise.resolve(
      vscode.window.showInputBox({
        title: opts.title,
        prompt: opts.prompt,
        placeHolder: opts.placeHolder,
        value: opts.value,
        password: opts.password,
        ignoreFocusOut: true,
        validateInput: opts.validate,
      }),
    );
  }

  async confirm<B extends string>(message: string, detail: string, buttons: B[]): Promise<B | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  }

  async showValue(title: string, value: string): Promise<void> {
    await vscode.window.showInformationMessage(title, {
      modal: true,
      detail: value === '' ? vscode.l10n.t('(empty)') : value,
    });
  }

  async report(title: string, detail: string): Promise<void> {
    await vscode.window.showInformationMessage(title, { modal: true, detail });
  }

  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }

  async offer<B extends string>(message: string, buttons: B[]): Promise<B | undefined> {
    return vscode.window.showInformationMessage(message, ...buttons);
  }

  warn(message: string): void {
    void vscode.window.showWarningMessage(message);
  }

  async error<B extends string>(message: string, buttons: B[] = []): Promise<B | undefined> {
    return vscode.window.showErrorMessage(message, ...buttons);
  }

  refuseUntrusted(action: string): void {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'Kagi: {0} is disabled in Restricted Mode. Trust this workspace to decrypt or run secrets.',
          action,
        ),
        manage,
      )
      .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  }

  async pickFile(opts: { title: string; openLabel: string }): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title: opts.title,
      canSelectMany: false,
      openLabel: opts.openLabel,
    });
    return picked?.[0];
  }

  async progress<T>(title: string, task: (report: ProgressReport) => Promise<T>): Promise<T> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: false },
      (p) => task((message, increment) => p.report({ message, increment })),
    );
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }
}
