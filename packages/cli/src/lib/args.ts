import { parseArgs } from 'node:util';
import { parseDuration } from '@tessera/core';
import { UsageError } from './errors.js';

/** One command-line option of a command. */
export interface OptionSpec {
  /** `string` takes a value, `boolean` is a switch. */
  type: 'string' | 'boolean';
  /** One-letter alias. */
  short?: string;
  /** May be given several times. */
  multiple?: boolean;
  /** May be given several times and each value may be a comma-separated list (`--alg ES256,RS256`). */
  list?: boolean;
  /** What the value is, for the help text (`alg`, `file|url`, `seconds`). */
  value?: string;
  /** One line for the help text. */
  description: string;
}

/** The options of a command, by long name (kebab-case, as typed). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'print exactly one JSON object (the result, or {"error", "message"})' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

type Value = string | boolean | (string | boolean)[] | undefined;

/** Parsed arguments of one command, with typed accessors that report bad values as usage errors naming the flag. */
export class Args {
  readonly #values: Readonly<Record<string, Value>>;
  readonly #specs: OptionSpecs;
  /** Positional arguments, in order. */
  readonly positionals: readonly string[];

  constructor(values: Record<string, Value>, positionals: readonly string[], specs: OptionSpecs) {
    this.#values = values;
    this.#specs = specs;
    this.positionals = positionals;
  }

  /** Whether a switch was given. */
  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  /** Whether an option was given at all. */
  has(name: string): boolean {
    const value = this.#values[name];
    return value !== undefined && !(Array.isArray(value) && value.length === 0);
  }

  /** The value of a single-valued option (the last one when repeated). */
  string(name: string): string | undefined {
    const value = this.#values[name];
    if (Array.isArray(value)) return this.strings(name).at(-1);
    return typeof value === 'string' ? value : undefined;
  }

  /** Every value of a repeatable option; comma-separated lists are split for `list` options. */
  strings(name: string): string[] {
    const value = this.#values[name];
    const all = (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
    if (this.#specs[name]?.list !== true) return all;
    return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }

  /** A duration option (`30`, `30s`, `5m`) in seconds, checked by core's `parseDuration`. */
  duration(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      return parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value, `--${name}`, { wholeSeconds: false });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : `--${name} is not a duration`);
    }
  }

  /** A positive integer option. */
  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,15}$/.test(value) || Number(value) === 0) throw new UsageError(`--${name} must be a positive whole number`);
    return Number(value);
  }

  /** One value out of a fixed set. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
    }
    return value as T;
  }

  /** Refuses more than `max` positional arguments (without echoing them: one may be a secret or a token). */
  expectPositionals(max: number, what: string): void {
    if (this.positionals.length > max) {
      throw new UsageError(`too many arguments: expected ${max === 0 ? 'none' : `at most ${max} (${what})`}, got ${this.positionals.length}`);
    }
  }
}

interface ParseArgsError {
  code?: string;
  message: string;
}

/** parseArgs' own words, reduced to the option name (it never quotes a value, but keep it that way). */
function usageMessage(err: ParseArgsError): string {
  // Only names that look like options are repeated (an argument typed in the wrong place may be a secret).
  const quoted = /'(-{1,2}[^'\s=]*)/.exec(err.message)?.[1];
  const name = quoted !== undefined && /^-{1,2}[A-Za-z][A-Za-z0-9-]{0,24}$/.test(quoted) ? quoted : '(not shown)';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${name}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(err.message)) return `option ${name} needs a value`;
      if (/does not take an argument/.test(err.message)) return `option ${name} does not take a value`;
      if (/ambiguous/.test(err.message)) return `option ${name} needs a value; for a value starting with "-" write ${name}=VALUE`;
      return `bad value for option ${name}`;
    default:
      return 'cannot parse the arguments';
  }
}

/**
 * Parses a command's arguments strictly with `node:util` `parseArgs`: unknown options, missing values and switches
 * given a value are usage errors. Positionals are allowed (each command checks how many it takes); `--` ends options.
 * @param argv - the arguments after the command name
 * @param specs - the command's options (plus {@link COMMON_OPTIONS})
 * @returns typed accessors over the parsed values
 * @throws {UsageError} `usage` naming the option at fault
 */
export function parseCommandArgs(argv: readonly string[], specs: OptionSpecs): Args {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === true || spec.list === true ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return new Args(values as Record<string, Value>, positionals, specs);
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'message' in err) throw new UsageError(usageMessage(err as ParseArgsError));
    throw err;
  }
}
