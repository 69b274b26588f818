/**
 * The static HTTP server behind `xtrace view`: the viewer's built files plus the trace files given on the
 * command line, on 127.0.0.1 only. GET and HEAD; `index.html` for `/`; no directory listings; path traversal
 * (`..`, encoded or not, backslashes, absolute paths, NUL, symlinks leaving the folder) refused; trace files
 * streamed from disk with `Content-Length` and single-range `Range` support; requests whose `Host` is not
 * 127.0.0.1 or localhost refused (DNS rebinding); security headers on every response and no CORS headers.
 *
 * @module
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { contentTypeOf, OCTET_STREAM } from './content-type.js';
import { parseRange } from './range.js';

/** The only address the server binds. */
export const LOOPBACK = '127.0.0.1';

/** Prefix of the URLs of the served trace files. */
export const FILES_PREFIX = '/files/';

/** A trace file served at {@link ServedFile.urlPath}: from disk, or from memory (stdin). */
export interface ServedFile {
  /** `/files/<index>/<percent-encoded name>`. */
  readonly urlPath: string;
  /** Index in the command line (the first URL segment after `/files/`). */
  readonly index: number;
  /** The name the viewer shows (the file's base name, decoded). */
  readonly name: string;
  /** Absolute path on disk (read at each request, so a growing file is served at its current size). */
  readonly path?: string | undefined;
  /** In-memory content, for stdin. */
  readonly bytes?: Uint8Array | undefined;
}

/** The URL path of the `index`-th file named `name`. */
export function fileUrlPath(index: number, name: string): string {
  return `${FILES_PREFIX}${index}/${encodeURIComponent(name)}`;
}

/** Options of {@link createViewServer}. */
export interface ViewServerOptions {
  /** Folder with the viewer's `index.html` and assets (a real path: symlinks resolved). */
  viewerDir: string;
  /** Trace files served under `/files/`. */
  files: readonly ServedFile[];
}

/** Headers on every response. No `Access-Control-*`: nothing here may be read cross-origin. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};

type Target = { kind: 'index' } | { kind: 'path'; segments: string[] } | { kind: 'status'; status: number };

/**
 * Splits a request target into decoded path segments, refusing anything that could leave the served folder:
 * not origin-form (`http://…`, `*`), empty segments (`//etc/passwd`), `.`/`..` before or after decoding,
 * decoded `/` or `\`, backslashes, NUL, drive letters. A trailing `/` (a directory) gives 404.
 */
export function parseTarget(target: string): Target {
  if (!target.startsWith('/')) return { kind: 'status', status: 400 };
  const end = target.search(/[?#]/);
  const pathname = end === -1 ? target : target.slice(0, end);
  if (pathname === '/') return { kind: 'index' };
  const raw = pathname.slice(1).split('/');
  const segments: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i]!;
    if (part === '') return { kind: 'status', status: i === raw.length - 1 ? 404 : 400 };
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return { kind: 'status', status: 400 };
    }
    if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded) || /[\\\0]/.test(part)) {
      return { kind: 'status', status: 400 };
    }
    segments.push(decoded);
  }
  return { kind: 'path', segments };
}

function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

function sendStatus(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  const body = `${status} ${text}\n`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(req.method === 'HEAD' ? undefined : body);
}

const notFound = (req: IncomingMessage, res: ServerResponse) => sendStatus(req, res, 404, 'Not Found');

/** True when the `Host` header names this server (127.0.0.1 or localhost with its port). */
function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  if (h === `${LOOPBACK}:${port}` || h === `localhost:${port}`) return true;
  return port === 80 && (h === LOOPBACK || h === 'localhost');
}

/** Streams `[start, end]` of an open file to `res`; the stream closes the file. */
function streamBody(res: ServerResponse, handle: FileHandle, start: number, end: number): void {
  const stream = handle.createReadStream({ start, end, autoClose: true });
  pipeline(stream, res, () => {
    // client went away or the file became unreadable: the pipeline destroyed both ends
  });
}

interface BodySource {
  size: number;
  /** Last-Modified value, when known. */
  modified: string | undefined;
  /** Sends `[start, end]` (inclusive) and closes the source. */
  send(start: number, end: number): void;
  /** Releases the source without sending. */
  close(): void;
}

/** Answers with the body of `source`: 200, or 206/416 for a `Range` when `ranges` is true. */
function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  source: BodySource,
  contentType: string,
  options: { ranges: boolean; cache: string },
): void {
  const { size } = source;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', options.cache);
  if (source.modified) res.setHeader('Last-Modified', source.modified);
  let range = undefined as ReturnType<typeof parseRange>;
  if (options.ranges) {
    res.setHeader('Accept-Ranges', 'bytes');
    const ifRange = req.headers['if-range'];
    if (ifRange === undefined || ifRange === source.modified) range = parseRange(req.headers.range, size);
  }
  if (range === 'unsatisfiable') {
    source.close();
    res.setHeader('Content-Range', `bytes */${size}`);
    sendStatus(req, res, 416, 'Range Not Satisfiable');
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  res.statusCode = range ? 206 : 200;
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  res.setHeader('Content-Length', size === 0 ? 0 : end - start + 1);
  if (req.method === 'HEAD' || size === 0) {
    source.close();
    res.end();
    return;
  }
  source.send(start, end);
}

/** Opens a regular file for a response; undefined when it is missing, unreadable or not a regular file. */
async function openFile(path: string, res: ServerResponse): Promise<BodySource | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  let info: Stats;
  try {
    info = await handle.stat();
  } catch {
    await handle.close().catch(() => undefined);
    return undefined;
  }
  if (!info.isFile()) {
    await handle.close().catch(() => undefined);
    return undefined;
  }
  return {
    size: info.size,
    modified: info.mtime.toUTCString(),
    send: (start, end) => streamBody(res, handle, start, end),
    close: () => void handle.close().catch(() => undefined),
  };
}

function memorySource(bytes: Uint8Array, res: ServerResponse): BodySource {
  return {
    size: bytes.length,
    modified: undefined,
    send: (start, end) => res.end(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start + 1)),
    close: () => undefined,
  };
}

async function serveTraceFile(
  req: IncomingMessage,
  res: ServerResponse,
  files: readonly ServedFile[],
  segments: string[],
): Promise<void> {
  const [, indexText = '', name] = segments;
  const file = segments.length === 3 && /^(0|[1-9]\d{0,8})$/.test(indexText) ? files[Number(indexText)] : undefined;
  if (!file || file.name !== name) return notFound(req, res);
  const source = file.bytes ? memorySource(file.bytes, res) : await openFile(file.path!, res);
  if (!source) return notFound(req, res);
  sendBody(req, res, source, OCTET_STREAM, { ranges: true, cache: 'no-store' });
}

async function serveViewerFile(
  req: IncomingMessage,
  res: ServerResponse,
  viewerDir: string,
  segments: string[],
): Promise<void> {
  // hidden files and anything that looks like a drive letter or stream name stay private
  if (segments.some((s) => s.startsWith('.') || s.includes(':'))) return notFound(req, res);
  let real: string;
  try {
    real = await realpath(join(viewerDir, ...segments));
  } catch {
    return notFound(req, res);
  }
  // a symlink inside the folder must not lead out of it
  if (!real.startsWith(viewerDir.endsWith(sep) ? viewerDir : viewerDir + sep)) return notFound(req, res);
  const source = await openFile(real, res);
  if (!source) return notFound(req, res); // directories included: never listed
  sendBody(req, res, source, contentTypeOf(real), { ranges: false, cache: 'no-cache' });
}

/** The request handler of {@link createViewServer}. */
async function handle(req: IncomingMessage, res: ServerResponse, options: ViewServerOptions): Promise<void> {
  setSecurityHeaders(res);
  const address = req.socket.localPort ?? 0;
  if (!hostAllowed(req.headers.host, address)) return sendStatus(req, res, 403, 'Forbidden (unexpected Host)');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendStatus(req, res, 405, 'Method Not Allowed');
  }
  const target = parseTarget(req.url ?? '');
  if (target.kind === 'status') {
    return sendStatus(req, res, target.status, target.status === 400 ? 'Bad Request' : 'Not Found');
  }
  const segments = target.kind === 'index' ? ['index.html'] : target.segments;
  if (segments[0] === FILES_PREFIX.slice(1, -1)) return serveTraceFile(req, res, options.files, segments);
  return serveViewerFile(req, res, options.viewerDir, segments);
}

/**
 * Creates (does not start) the server; see {@link listen}.
 *
 * @example
 * ```ts
 * const server = createViewServer({ viewerDir: '/abs/viewer', files: [] });
 * const port = await listen(server, 0);
 * ```
 */
export function createViewServer(options: ViewServerOptions): Server {
  return createServer((req, res) => {
    handle(req, res, options).catch(() => {
      if (!res.headersSent) sendStatus(req, res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
}

/** Starts listening on 127.0.0.1:`port` (0 = any free port) and resolves to the bound port. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: LOOPBACK, port, exclusive: true });
  });
}

/** Stops accepting connections, drops the open ones (keep-alive, streaming) and resolves when closed. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
