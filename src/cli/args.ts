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
    throw usage(command, parseFailure((e as NodeJS.ErrnoException).code), optionList(options));
  }
  if (parsed.values.help) throw new HelpRequested();
  return parsed as ParsedArgs;
}

/**
 * Usage errors never quote an argument: any of them could be a value typed in the wrong place
 * (`kagi set K --s3cret`), and Node's own messages repeat the argument.
 */
export function usage(command: string, message: string, also?: string): KagiError {
  return new KagiError('usage', message, `${also ? `${also}; ` : ''}see \`kagi ${command} --help\``);
}

function parseFailure(code: string | undefined): string {
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return 'unknown option (an argument that starts with - is read as a value only after --)';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return 'an option is missing its value, or was given one it does not take';
    default:
      return 'the arguments could not be parsed';
  }
}

function optionList(options: OptionSpec): string {
  return `options: ${Object.keys(options)
    .map((o) => `--${o}`)
    .join(', ')}`;
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
  if (n > max) throw usage(command, `too many arguments (${n}; at most ${max})`);
  return p.positionals;
}
