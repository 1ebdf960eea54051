import { type Args, COMMON_OPTIONS, type OptionSpecs } from './args.js';
import type { ExitCode } from './errors.js';
import type { CliIo } from './io.js';
import type { Output } from './output.js';

/** What a command runs with. */
export interface CommandContext {
  /** The parsed arguments (for a `raw` command: no options parsed, every argument positional). */
  args: Args;
  /** The arguments after the command name, as given. */
  argv: readonly string[];
  io: CliIo;
  out: Output;
}

/** One `tessera` command: its help and its implementation. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage lines, without the leading "tessera ". */
  usage: readonly string[];
  /** What it does, in a few lines. */
  description: string;
  /** Its options ({@link COMMON_OPTIONS} are added). */
  options: OptionSpecs;
  /** Example invocations. */
  examples: readonly string[];
  /** Takes its arguments as they are (only `--help` first is read): `demo` forwards them. */
  raw?: boolean;
  run(ctx: CommandContext): Promise<ExitCode>;
}

function optionLabel(name: string, spec: OptionSpecs[string]): string {
  const long = `--${name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`;
  return spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`;
}

/** The options table of a help text. */
export function formatOptions(options: OptionSpecs): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const repeat = spec.list === true ? ' (repeatable, or comma-separated)' : spec.multiple === true ? ' (repeatable)' : '';
    return [optionLabel(name, spec), `${spec.description}${repeat}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([label]) => label.length)) + 2);
  return rows
    .map(([label, text]) => (label.length + 2 > width ? `  ${label}\n  ${' '.repeat(width)}${text}` : `  ${label.padEnd(width)}${text}`))
    .join('\n');
}

/** The `--help` text of a command. */
export function commandHelp(command: Command): string {
  const usage = command.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}tessera ${line}`).join('\n');
  const options = command.raw === true ? command.options : { ...command.options, ...COMMON_OPTIONS };
  const examples = command.examples.map((e) => `  ${e}`).join('\n');
  return `${usage}\n\n${command.description}\n\nOptions:\n${formatOptions(options)}\n\nExamples:\n${examples}\n`;
}
