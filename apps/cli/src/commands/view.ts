/**
 * `xtrace view FILE...`: serves the web viewer and the given files on 127.0.0.1 and prints the URL that opens
 * them (one `?file=/files/<index>/<name>` parameter per file). Runs until Ctrl-C (SIGINT) or SIGTERM, then
 * closes the server and exits 0.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import type { Server } from 'node:http';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import type { Context } from '../context.js';
import { EXIT_USAGE, OutputClosed, toErrorReport, XtraceError } from '../errors.js';
import { DETECT_BYTES, detectFormat } from '../input/detect.js';
import { readAllBytes, statFile } from '../input/input.js';
import { escapeText } from '../output/escape.js';
import { examples, portArg } from '../program/args.js';
import type { ServedFile } from '../serve/server.js';

/** The server module, loaded only when `view` runs. */
type ServerModule = typeof import('../serve/server.js');

/** The port tried first when `--port` is not given; a busy one falls back to any free port. */
export const DEFAULT_PORT = 4180;

/** Options of `view`. */
export interface ViewOptions {
  /** `--port`: 0 = any free port; default {@link DEFAULT_PORT}, falling back to a free one when busy. */
  port?: number;
  /** `--open`: open the URL in a browser. */
  open?: boolean;
  /** `--viewer-dir`: folder with the viewer's `index.html`. */
  viewerDir?: string;
}

interface Resolved {
  file: ServedFile;
  size: number;
  /** `.ss`, `.moqtrace` or `?`. */
  format: string;
}

/** Checks that `name` is a readable regular file (or `-`) and detects its format; warns on unknown formats. */
async function resolveFile(ctx: Context, name: string, index: number, srv: ServerModule): Promise<Resolved> {
  let head: Uint8Array;
  let file: ServedFile;
  let size: number;
  if (name === '-') {
    const bytes = await readAllBytes(ctx, '-');
    file = { index, name: 'stdin', urlPath: srv.fileUrlPath(index, 'stdin'), bytes };
    head = bytes.subarray(0, DETECT_BYTES);
    size = bytes.length;
  } else {
    const path = resolve(name);
    size = await statFile(name);
    head = new Uint8Array(DETECT_BYTES);
    let got = 0;
    try {
      const handle = await open(path, 'r');
      try {
        got = (await handle.read(head, 0, head.length, 0)).bytesRead;
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw ioErrorOf(error);
    }
    head = head.subarray(0, got);
    const base = basename(path);
    file = { index, name: base, urlPath: srv.fileUrlPath(index, base), path };
  }
  let format = '?';
  try {
    const detected = detectFormat(head).format;
    format = detected === 'qlog' ? 'qlog' : `.${detected}`;
  } catch (error) {
    const report = toErrorReport(error);
    ctx.reportLine(
      {
        code: report.code,
        message: `${report.message} (served anyway; the viewer shows the error)`,
        offset: report.offset,
      },
      name,
      0,
    );
  }
  return { file, size, format };
}

function ioErrorOf(error: unknown): XtraceError {
  const report = toErrorReport(error);
  const message = report.code === 'IO_ERROR' ? report.message.replace(/ \(E[A-Z]+\)$/, '') : report.message;
  return new XtraceError('IO_ERROR', message, { exitCode: EXIT_USAGE, cause: error });
}

/** The query string of the viewer URL: `file=/files/0/a.ss&file=…`, with `/` left readable. */
export function viewerQuery(files: readonly ServedFile[]): string {
  return files.map((f) => `file=${encodeURIComponent(f.urlPath).replace(/%2F/g, '/')}`).join('&');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Listens on `port`, or on DEFAULT_PORT falling back to any free port when it is busy. */
async function listenOn(ctx: Context, srv: ServerModule, server: Server, port: number | undefined): Promise<number> {
  const { listen, LOOPBACK } = srv;
  try {
    return await listen(server, port ?? DEFAULT_PORT);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (port === undefined && (code === 'EADDRINUSE' || code === 'EACCES')) {
      ctx.stderrLine(`port ${DEFAULT_PORT} is busy; using a free port instead (choose one with --port N)`);
      return listen(server, 0);
    }
    if (code === 'EADDRINUSE') {
      throw new XtraceError(
        'IO_ERROR',
        `port ${port} on ${LOOPBACK} is already in use; choose another with --port N (0 = any free port)`,
      );
    }
    if (code === 'EACCES') {
      throw new XtraceError(
        'IO_ERROR',
        `not allowed to listen on port ${port} of ${LOOPBACK}; choose another with --port N`,
      );
    }
    throw error;
  }
}

/** Resolves on SIGINT (the run's abort signal, or the process signal without one) or SIGTERM. */
function untilStopped(ctx: Context): Promise<string> {
  return new Promise((resolveStop) => {
    const signal = ctx.io.signal;
    const cleanups: (() => void)[] = [];
    const stop = (why: string) => {
      for (const cleanup of cleanups) cleanup();
      resolveStop(why);
    };
    const onTerm = () => stop('SIGTERM');
    process.once('SIGTERM', onTerm);
    cleanups.push(() => process.off('SIGTERM', onTerm));
    if (signal) {
      if (signal.aborted) return stop('SIGINT');
      const onAbort = () => stop('SIGINT');
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    } else {
      const onInt = () => stop('SIGINT');
      process.once('SIGINT', onInt);
      cleanups.push(() => process.off('SIGINT', onInt));
    }
  });
}

/**
 * Serves the viewer and `names` on 127.0.0.1, prints the URL on stdout (its only line), status on stderr,
 * and runs until SIGINT/SIGTERM. Bad inputs are reported (one line each, exit 2) before anything is served.
 */
export async function view(ctx: Context, names: string[], options: ViewOptions = {}): Promise<void> {
  const srv = await import('../serve/server.js');
  const { findViewerDir } = await import('../serve/viewer-dir.js');
  const { openBrowser } = await import('../serve/open-browser.js');
  const { close, createViewServer, LOOPBACK } = srv;
  const resolved: Resolved[] = [];
  for (const [index, name] of names.entries()) {
    try {
      resolved.push(await resolveFile(ctx, name, index, srv));
    } catch (error) {
      ctx.report(XtraceError.is(error) && error.file === undefined ? ioErrorOf(error) : error, name);
    }
  }
  if (resolved.length !== names.length) return;
  const viewer = findViewerDir(options.viewerDir, ctx.io.env);
  const files = resolved.map((r) => r.file);

  const server = createViewServer({ viewerDir: viewer.dir, files });
  const port = await listenOn(ctx, srv, server, options.port);
  server.on('error', (error) => ctx.report(error));
  const origin = `http://${LOOPBACK}:${port}`;
  const url = `${origin}/?${viewerQuery(files)}`;

  const dim = ctx.errColors.dim;
  ctx.stderrLine(`Serving the xtrace viewer on ${origin}/ ${dim(`(${viewer.source}: ${viewer.dir})`)}`);
  for (const r of resolved) {
    const from = r.file.path ?? 'stdin';
    ctx.stderrLine(
      `  ${escapeText(r.file.urlPath)}  ${dim(`${r.format}  ${formatSize(r.size)}  ${escapeText(from)}`)}`,
    );
  }
  ctx.stderrLine(`${options.open ? 'Opening' : 'Open'} this URL in a browser; press Ctrl-C to stop:`);
  // Listen for Ctrl-C and SIGTERM before the URL goes out: whoever waits for that line may stop us right away.
  const stopped = untilStopped(ctx);
  try {
    await ctx.out.write(`${url}\n`);
    await ctx.out.flush();
  } catch (error) {
    if (!(error instanceof OutputClosed)) throw error;
  }
  if (options.open) openBrowser(url, ctx.io.env);

  const why = await stopped;
  await close(server);
  ctx.stderrLine(`Stopped (${why}).`);
}

/** The `view` command. */
export function viewCommand(ctx: Context): Command {
  return new Command('view')
    .description('serve the web viewer on 127.0.0.1 with these files loaded and print the URL')
    .argument('<files...>', '.ss, .moqtrace or qlog files (- for stdin)')
    .option(
      '-p, --port <n>',
      'port on 127.0.0.1; 0 = any free port (default: 4180, or a free port when it is busy)',
      portArg,
    )
    .option('--open', 'also open the URL in a browser ($BROWSER, open, xdg-open); skipped when none is found')
    .option(
      '--viewer-dir <dir>',
      'folder of a viewer build (index.html); default: $XTRACE_VIEWER_DIR, else the bundled one',
    )
    .addHelpText(
      'after',
      `
Prints the URL, e.g. http://127.0.0.1:4180/?file=/files/0/trace.moqtrace&file=/files/1/recording.ss, as the
only line on stdout (status goes to stderr) and serves until Ctrl-C or SIGTERM (exit 0). Only 127.0.0.1 is
bound; each file is served read-only at /files/<index>/<name>, with Range support, and opens in its own tab.
Files in no known format are served anyway (with an UNKNOWN_FORMAT warning): the viewer shows the error.

The viewer is looked up in --viewer-dir, $XTRACE_VIEWER_DIR, the copy packaged with the CLI (viewer/), then
apps/viewer/dist in a repository checkout; build it with: pnpm --filter @x/viewer build
${examples(
  'xtrace view trace.moqtrace recording.ss',
  'xtrace view trace.moqtrace --open',
  'xtrace view recording.ss --port 8080',
  'xtrace view client.sqlog',
  'xtrace view trace.moqtrace --viewer-dir apps/viewer/dist',
  'cat trace.moqtrace | xtrace view -',
)}`,
    )
    .action((files: string[], options: ViewOptions) => view(ctx, files, options));
}
