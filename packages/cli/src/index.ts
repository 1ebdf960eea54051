/**
 * `@tessera/cli`: the `tessera` command (keygen, inspect, sign, verify, encrypt, decrypt, demo) as a function, for
 * embedding and tests. The command line itself is the `tessera` bin.
 *
 * @packageDocumentation
 */
export { run } from './run.js';
export { nodeIo, type CliIo, type Writer, type ForwardedSignal } from './lib/io.js';
export { EXIT, type ExitCode } from './lib/errors.js';
