// The `tessera` executable: the process's arguments and streams into run(), its answer into the exit status.
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
