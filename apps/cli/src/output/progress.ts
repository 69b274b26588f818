/**
 * A progress bar on stderr (cli-progress), shown only when stderr is a TTY, stdout is not the same terminal
 * (so it never mixes with records) and the work has run for more than about one second.
 *
 * @module
 */
import type { Context } from '../io.js';

/** Progress reporting for one piece of work measured in bytes. */
export interface Progress {
  /** Sets the current position (bytes done). */
  update(done: number): void;
  /** Removes the bar. */
  stop(): void;
}

const NOOP: Progress = { update() {}, stop() {} };

/** How long work runs before the bar appears: `XTRACE_PROGRESS_DELAY_MS` (ms, default 1000). */
function progressDelay(value: string | undefined): number {
  const ms = value === undefined || value === '' ? Number.NaN : Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : 1000;
}

interface Bar {
  start(total: number, value: number): void;
  update(value: number): void;
  stop(): void;
}

/**
 * Creates a progress reporter for `total` bytes. A no-op unless stderr is a TTY and stdout is not one (or
 * `writesStdout` is false).
 */
export function createProgress(ctx: Context, total: number, label: string, writesStdout = true): Progress {
  if (!ctx.progressAllowed || (writesStdout && ctx.stdoutIsTTY) || !(total > 0)) return NOOP;
  const delay = progressDelay(ctx.io.env.XTRACE_PROGRESS_DELAY_MS);
  const started = Date.now();
  let bar: Bar | undefined;
  let loading = false;
  let last = 0;
  let stopped = false;
  const load = (): void => {
    loading = true;
    import('cli-progress')
      .then((mod) => {
        if (stopped) return;
        const cliProgress = (mod as { default?: typeof import('cli-progress') }).default ?? mod;
        const created = new cliProgress.SingleBar(
          {
            stream: ctx.io.stderr as unknown as NodeJS.WritableStream,
            format: `${label} [{bar}] {percentage}% | {value}/{total} bytes | {eta}s`,
            hideCursor: false,
            clearOnComplete: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        created.start(total, last);
        bar = created;
      })
      .catch(() => {
        // no bar then
      });
  };
  return {
    update(done: number): void {
      last = done;
      if (bar) bar.update(done);
      else if (!loading && Date.now() - started >= delay) load();
    },
    stop(): void {
      stopped = true;
      bar?.stop();
    },
  };
}
