/**
 * The `xtrace` executable: runs {@link run} on the process's streams and sets the exit code. `--version` is
 * answered before anything else is loaded. Imported by `bin/xtrace.js`.
 *
 * @module
 */
import { processIo } from './io.js';
import { readVersion } from './version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${readVersion()}\n`);
} else {
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
  import('./run.js')
    .then(({ run }) => run(argv, processIo(controller.signal)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`xtrace: INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    );
}
