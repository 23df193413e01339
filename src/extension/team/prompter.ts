import * as vscode from 'vscode';

export interface TeamInputOptions {
  title: string;
  prompt: string;
  value?: string;
  placeHolder?: string;
  /** an error message, or undefined when the text is acceptable */
  validate?: (value: string) => string | undefined;
}

export interface TeamPickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

/** Reports a step of a long operation (message, and percent of the total added). */
export type ProgressReport = (message: string, increment?: number) => void;

/**
 * Every question and notice of the team flows. The default is vscode.window;
 * integration tests pass scripted answers while the real vault runs.
 */
export interface TeamPrompter {
  /** A modal warning; the chosen button, undefined when dismissed. */
  confirm<B extends string>(message: string, detail: string, buttons: B[]): Promise<B | undefined>;
  input(opts: TeamInputOptions): Promise<string | undefined>;
  pick<T>(items: TeamPickItem<T>[], opts: { title: string; placeHolder?: string }): Promise<T | undefined>;
  /** A notification with buttons. Resolves when one is chosen or it is dismissed; callers do not wait for it. */
  info<B extends string>(message: string, buttons: B[]): Promise<B | undefined>;
  progress<T>(title: string, task: (report: ProgressReport) => Promise<T>): Promise<T>;
  /** Copies public text (recipients) to the clipboard. */
  copy(text: string): Promise<void>;
}

export class WindowTeamPrompter implements TeamPrompter {
  async confirm<B extends string>(message: string, detail: string, buttons: B[]): Promise<B | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  }

  async input(opts: TeamInputOptions): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: opts.title, prompt: opts.prompt, value: opts.value, placeHolder: opts.placeHolder,
      ignoreFocusOut: true, validateInput: opts.validate,
    });
  }

  async pick<T>(items: TeamPickItem<T>[], opts: { title: string; placeHolder?: string }): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(items, { title: opts.title, placeHolder: opts.placeHolder, ignoreFocusOut: true });
    return picked?.value;
  }

  async info<B extends string>(message: string, buttons: B[]): Promise<B | undefined> {
    return vscode.window.showInformationMessage(message, ...buttons);
  }

  async progress<T>(title: string, task: (report: ProgressReport) => Promise<T>): Promise<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false },
      (p) => task((message, increment) => p.report({ message, increment })));
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }
}
