/**
 * The `xtrace` executable: runs {@link run} on the process's streams and sets the exit code. Imported by
 * `bin/xtrace.js`.
 *
 * @module
 */
import { processIo } from './io.js';
import { run } from './run.js';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});
process.stdout.on('error', () => {
  // EPIPE and friends are handled by the output sink; never crash on them
});

run(process.argv.slice(2), processIo(controller.signal)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`xtrace: INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
