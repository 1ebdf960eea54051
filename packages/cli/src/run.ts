import { decrypt } from './commands/decrypt.js';
import { demo } from './commands/demo.js';
import { encrypt } from './commands/encrypt.js';
import { inspect } from './commands/inspect.js';
import { keygen } from './commands/keygen.js';
import { sign } from './commands/sign.js';
import { verify } from './commands/verify.js';
import { Args, COMMON_OPTIONS, parseCommandArgs } from './lib/args.js';
import { type Command, commandHelp } from './lib/command.js';
import { EXIT, type ExitCode, UsageError } from './lib/errors.js';
import { type CliIo, nodeIo } from './lib/io.js';
import { Output } from './lib/output.js';
import { cliVersion } from './lib/package-root.js';

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [keygen, inspect, sign, verify, encrypt, decrypt, demo];

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3;
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return [
    'tessera: keys and tokens (JWS, JWE, nested) from the command line, on @tessera/core',
    '',
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    list,
    '',
    'Run "tessera <command> --help" for a command\'s options.',
    'Keys: a file (PEM, JWK, JWKS), @file, env:NAME, a JWKS URL (verify), or the key itself (prefer env:NAME or a',
    'file for secrets: arguments are visible to other users of the machine).',
    'Exit status: 0 done (token valid), 1 token rejected, 2 usage or key error. --json prints exactly one JSON object.',
    '',
  ].join('\n');
}

/**
 * Runs the `tessera` command line: `run(['verify', '--key', 'k.json', token])`. Never throws and never exits the
 * process: every outcome is printed through `io` and returned as the exit status.
 * @param argv - the arguments after `tessera`
 * @param io - streams, environment, clock and signals; defaults to the running process's ({@link nodeIo})
 * @returns 0 when the command succeeded (for `verify`: the token is valid), 1 when a token was rejected, 2 for usage
 *   and key errors
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2));
 * ```
 */
export async function run(argv: readonly string[], io: CliIo = nodeIo()): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(globalHelp());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic === undefined ? globalHelp() : commandHelp(topic));
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${cliVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const json = rest.includes('--json');
  if (command === undefined) {
    const shown = /^[a-z-]{1,32}$/.test(name) ? `"${name}"` : 'command';
    return new Output(io, json, name.slice(0, 32)).failure(new UsageError(`unknown ${shown === 'command' ? 'command' : `command ${shown}`}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`));
  }
  const out = new Output(io, json && command.raw !== true, command.name);
  try {
    if (command.raw === true) {
      if (rest[0] === '--help' || rest[0] === '-h') {
        io.stdout(commandHelp(command));
        return EXIT.ok;
      }
      return await command.run({ args: new Args({}, rest, {}), argv: rest, io, out });
    }
    const args = parseCommandArgs(rest, { ...command.options, ...COMMON_OPTIONS });
    if (args.flag('help')) {
      io.stdout(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ args, argv: rest, io, out });
  } catch (err) {
    return out.failure(err);
  }
}
