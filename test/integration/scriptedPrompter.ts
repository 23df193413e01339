// A Prompter with scripted answers for integration tests: commands run for real in the
// extension host (vault, files, processes), only the questions are answered from a script.
// Everything the prompter was asked to show is recorded so tests can check no value leaked.
import * as vscode from 'vscode';
import type { Choice, InputOptions, ProgressReport, Prompter } from '../../src/extension/prompter';
import type { KagiApi } from '../../src/extension/api';
import { activateExtension } from './helpers';

/** A pick answer meaning "press Enter": the item the quick pick pre-selects (its first). */
export const ENTER = '\u0000enter';

export type Answer =
  | { pick: string | undefined }
  | { input: string | undefined }
  | { confirm: string | undefined }
  | { file: string | undefined }
  /** the button chosen on a notification (prompter.offer); offers without one choose none */
  | { offer: string | undefined };

export class ScriptedPrompter implements Prompter {
  /** every text shown to the person: titles, prompts, labels, messages, details */
  readonly shown: string[] = [];
  /** values passed to showValue (the only place a value may go) */
  readonly values: string[] = [];
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly asked: string[] = [];
  /** every input box's options, so tests can try its validation */
  readonly inputs: InputOptions[] = [];
  /** the steps long operations reported */
  readonly progressSteps: string[] = [];
  /** public text put on the clipboard (recipients) */
  readonly copied: string[] = [];
  /** error notifications (also in `shown`) */
  readonly errorMessages: string[] = [];
  /** actions Restricted Mode refused (not in `shown`: a refusal is neither a question nor data) */
  readonly refusals: string[] = [];
  /** script mismatches; commands swallow errors through ctx.guard, so they are kept here too */
  readonly errors: string[] = [];

  constructor(private readonly answers: Answer[]) {}

  private next<K extends 'pick' | 'input' | 'confirm' | 'file' | 'offer'>(kind: K, what: string): Answer {
    this.asked.push(`${kind}: ${what}`);
    const a = this.answers.shift();
    if (!a || !(kind in a)) this.fail(`unexpected ${kind} "${what}" (next scripted answer: ${JSON.stringify(a)})`);
    return a!;
  }

  private fail(message: string): never {
    this.errors.push(message);
    throw new Error(message);
  }

  async pick<T>(choices: Choice<T>[], opts: { title: string; placeHolder?: string }): Promise<T | undefined> {
    this.shown.push(
      opts.title,
      opts.placeHolder ?? '',
      ...choices.flatMap((c) => [c.label, c.description ?? '', c.detail ?? '']),
    );
    const a = this.next('pick', opts.title) as { pick: string | undefined };
    if (a.pick === undefined) return undefined;
    if (a.pick === ENTER) return choices[0]?.id;
    const hit = choices.find((c) => String(c.id) === a.pick);
    if (!hit) this.fail(`no choice ${a.pick} in "${opts.title}": ${choices.map((c) => String(c.id)).join(', ')}`);
    return hit.id;
  }

  async input(opts: InputOptions): Promise<string | undefined> {
    this.shown.push(opts.title, opts.prompt ?? '', opts.value ?? '');
    this.inputs.push(opts);
    const a = this.next('input', opts.title) as { input: string | undefined };
    if (a.input !== undefined && opts.validate) {
      const err = opts.validate(a.input);
      if (err) this.fail(`input "${opts.title}" rejected the scripted answer: ${err}`);
    }
    return a.input;
  }

  async confirm<B extends string>(message: string, detail: string, buttons: B[]): Promise<B | undefined> {
    this.shown.push(message, detail, ...buttons);
    const a = this.next('confirm', message) as { confirm: string | undefined };
    if (a.confirm !== undefined && !buttons.includes(a.confirm as B))
      this.fail(`no button ${a.confirm} in "${message}": ${buttons.join(', ')}`);
    return a.confirm as B | undefined;
  }

  async showValue(title: string, value: string): Promise<void> {
    this.shown.push(title);
    this.values.push(value);
  }

  async report(title: string, detail: string): Promise<void> {
    this.shown.push(title, detail);
  }

  info(message: string): void {
    this.shown.push(message);
    this.infos.push(message);
  }

  /**
   * Notifications with buttons are recorded like info. A button is chosen only when the next
   * scripted answer is an `offer` (notifications come unasked, so they don't fail the script).
   */
  async offer<B extends string>(message: string, buttons: B[]): Promise<B | undefined> {
    this.shown.push(message, ...buttons);
    this.infos.push(message);
    if (!this.answers[0] || !('offer' in this.answers[0])) return undefined;
    const a = this.next('offer', message) as { offer: string | undefined };
    if (a.offer !== undefined && !buttons.includes(a.offer as B))
      this.fail(`no button ${a.offer} in "${message}": ${buttons.join(', ')}`);
    return a.offer as B | undefined;
  }

  warn(message: string): void {
    this.shown.push(message);
    this.warnings.push(message);
  }

  async error<B extends string>(message: string, buttons: B[] = []): Promise<B | undefined> {
    this.shown.push(message, ...buttons);
    this.errorMessages.push(message);
    return undefined;
  }

  refuseUntrusted(action: string): void {
    this.refusals.push(action);
  }

  async pickFile(opts: { title: string; openLabel: string }): Promise<vscode.Uri | undefined> {
    this.shown.push(opts.title, opts.openLabel);
    const a = this.next('file', opts.title) as { file: string | undefined };
    return a.file === undefined ? undefined : vscode.Uri.file(a.file);
  }

  async progress<T>(title: string, task: (report: ProgressReport) => Promise<T>): Promise<T> {
    this.shown.push(title);
    return task((message) => {
      this.shown.push(message);
      this.progressSteps.push(message);
    });
  }

  async copy(text: string): Promise<void> {
    this.copied.push(text);
  }

  /** Fails when a scripted answer was never asked for. */
  assertDone(): void {
    if (this.errors.length) throw new Error(`script mismatch: ${this.errors.join('; ')}`);
    if (this.answers.length)
      throw new Error(`scripted answers left over: ${JSON.stringify(this.answers)} (asked: ${this.asked.join(' | ')})`);
  }
}

/** The extension's API (what `activate()` returns). */
export async function kagiApi(): Promise<KagiApi> {
  const api = (await activateExtension()) as KagiApi;
  if (!api || typeof api.setPrompter !== 'function') throw new Error('activate() did not return the Kagi API');
  return api;
}

/** Runs `fn` with scripted answers, restoring the real prompter afterwards. */
export async function withAnswers<T>(
  answers: Answer[],
  fn: (p: ScriptedPrompter, api: KagiApi) => Promise<T>,
): Promise<{ result: T; prompter: ScriptedPrompter }> {
  const api = await kagiApi();
  const prompter = new ScriptedPrompter(answers);
  const real = api.setPrompter(prompter);
  try {
    const result = await fn(prompter, api);
    prompter.assertDone();
    return { result, prompter };
  } finally {
    api.setPrompter(real);
  }
}

/** Asserts none of `secrets` appears in any of `texts`. */
export function assertNoValues(texts: Iterable<string | undefined>, secrets: string[], where: string): void {
  for (const t of texts) {
    if (!t) continue;
    for (const s of secrets)
      if (s && t.includes(s))
        throw new Error(`a secret value leaked into ${where}: ${JSON.stringify(t.slice(0, 40))}…`);
  }
}
