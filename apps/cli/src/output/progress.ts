/**
 * A progress bar on stderr (cli-progress), shown only when stderr is a terminal, not in CI, not when stdout is
 * the same terminal (it never mixes with records), and only once the work has run for longer than
 * `XTRACE_PROGRESS_DELAY_MS` (default 1000 ms). cli-progress is loaded only when a bar may be shown.
 *
 * @module
 */
import type { Context } from '../context.js';

/** Progress reporting for one piece of work measured in bytes. */
export interface Progress {
  /** Sets the current position (bytes done); shows the bar once the work has run past the delay. */
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

/**
 * Creates a progress reporter for `total` bytes: a no-op unless stderr is a terminal outside CI and stdout is
 * not a terminal (or `writesStdout` is false).
 */
export async function createProgress(
  ctx: Context,
  total: number,
  label: string,
  writesStdout = true,
): Promise<Progress> {
  if (!ctx.progressAllowed || (writesStdout && ctx.stdoutIsTTY) || !(total > 0)) return NOOP;
  const delay = progressDelay(ctx.io.env.XTRACE_PROGRESS_DELAY_MS);
  let cliProgress: typeof import('cli-progress');
  try {
    const mod = await import('cli-progress');
    cliProgress = (mod as { default?: typeof import('cli-progress') }).default ?? mod;
  } catch {
    return NOOP;
  }
  const started = Date.now();
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  return {
    update(done: number): void {
      if (bar) {
        bar.update(done);
        return;
      }
      if (Date.now() - started < delay) return;
      bar = new cliProgress.SingleBar(
        {
          stream: ctx.io.stderr as unknown as NodeJS.WritableStream,
          format: `${label} [{bar}] {percentage}% | {value}/{total} bytes | {eta}s`,
          hideCursor: false,
          clearOnComplete: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, done);
    },
    stop(): void {
      bar?.stop();
    },
  };
}
