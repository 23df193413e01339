import { parseArgs } from 'node:util';
import { KagiError } from '../vault';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Thrown by any command's parser on -h/--help; main prints that command's help. */
export class HelpRequested extends Error {}

/**
 * node:util parseArgs with our error shape. Options may sit anywhere between
 * positionals (as with clap); `--` ends option parsing for values starting with `-`.
 */
export function parseOptions(command: string, args: string[], options: OptionSpec): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw usage(command, (e as Error).message);
  }
  if (parsed.values.help) throw new HelpRequested();
  return parsed as ParsedArgs;
}

export function usage(command: string, message: string): KagiError {
  return new KagiError('usage', message, `see \`kagi ${command} --help\``);
}

export function str(p: ParsedArgs, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(p: ParsedArgs, name: string): boolean {
  return p.values[name] === true;
}

/** `a,b,,c` → `[a, b, c]`, as Rust's comma lists drop empty items. */
export function commaList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function expectPositionals(command: string, p: ParsedArgs, min: number, max: number): string[] {
  const n = p.positionals.length;
  if (n < min) throw usage(command, `missing argument${min - n > 1 ? 's' : ''}`);
  if (n > max) throw usage(command, `unexpected argument ${JSON.stringify(p.positionals[max])}`);
  return p.positionals;
}
