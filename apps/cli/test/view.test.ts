import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TraceEvent, writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../src/serve/range.js';
import { parseTarget } from '../src/serve/server.js';
import { findViewerDir } from '../src/serve/viewer-dir.js';
import { BIN, noStackTrace, tempDir, xtrace } from './helpers.js';

const REAL_VIEWER = fileURLToPath(new URL('../../viewer/dist/', import.meta.url));
const PACKAGED_VIEWER = fileURLToPath(new URL('../viewer/', import.meta.url));
const realViewerBuilt = existsSync(join(REAL_VIEWER, 'index.html'));

/** A running `xtrace view`. */
interface Running {
  child: ChildProcessWithoutNullStreams;
  url: URL;
  /** The whole stdout so far. */
  stdout: () => string;
  stderr: () => string;
  /** Sends a signal and resolves with the exit code and signal. */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `xtrace view ARGS` and resolves once it printed its URL. */
function startView(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Running> {
  return new Promise((resolve, reject) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
    delete childEnv.FORCE_COLOR;
    const child = spawn(process.execPath, [BIN, 'view', ...args], { env: childEnv, stdio: 'pipe' });
    running.add(child);
    child.stdin.end();
    let out = '';
    let err = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('close', (code, signal) => {
        running.delete(child);
        done({ code, signal });
      }),
    );
    const timer = setTimeout(() => reject(new Error(`no URL after 60 s; stderr: ${err}`)), 60_000);
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline !== -1) {
        clearTimeout(timer);
        resolve({
          child,
          url: new URL(out.slice(0, newline)),
          stdout: () => out,
          stderr: () => err,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`xtrace view exited with ${code} before printing a URL; stderr: ${err}`));
    });
  });
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request: the path is sent exactly as given (no normalisation, unlike fetch). */
function get(
  base: URL,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  host = '127.0.0.1',
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port: base.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(r: Response): void {
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
  for (const name of Object.keys(r.headers)) expect(name).not.toMatch(/^access-control-/);
}

/** Deterministic bytes after a magic. */
function bytesAfter(magic: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(new TextEncoder().encode(magic));
  let x = 2463534242;
  for (let i = magic.length; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const tmp = tempDir();
const viewerDir = join(tmp.dir, 'viewer');
const ssPath = join(tmp.dir, 'rec.ss');
const moqPath = join(tmp.dir, 'big trace #1 ü.moqtrace');
const noisePath = join(tmp.dir, 'noise.bin');
const SECRET = 'top secret, outside the viewer folder';
const FAKE_JS = 'console.log("fake viewer");\n';

beforeAll(() => {
  mkdirSync(join(viewerDir, 'assets', 'nested'), { recursive: true });
  writeFileSync(
    join(viewerDir, 'index.html'),
    '<!doctype html><title>fake viewer</title><script type="module" src="./assets/app.js"></script>\n',
  );
  writeFileSync(join(viewerDir, 'assets', 'app.js'), FAKE_JS);
  writeFileSync(join(viewerDir, 'assets', 'app.css'), 'body{}\n');
  writeFileSync(join(viewerDir, 'assets', 'mod.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(viewerDir, 'assets', 'app.js.map'), '{"version":3}\n');
  writeFileSync(join(viewerDir, 'assets', 'nested', 'x.json'), '{}\n');
  writeFileSync(join(viewerDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(join(viewerDir, 'logo.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(viewerDir, '.env'), SECRET);
  writeFileSync(join(tmp.dir, 'secret.txt'), SECRET);
  symlinkSync(join(tmp.dir, 'secret.txt'), join(viewerDir, 'escape.txt'));
  const messages = Array.from({ length: 200 }, (_, i) => ({
    streamKey: i % 2 ? 'a' : 'b',
    shardId: 0n,
    seqNo: BigInt(i),
    timestamp: BigInt(1_700_000_000_000 + i),
    payload: `message ${i}`,
  }));
  writeFileSync(ssPath, writeSeaStreamer(messages, { fileName: 'rec.ss', createdAt: 1_700_000_000_000 }));
  writeFileSync(moqPath, bytesAfter('MOQTRACE', 3 * 1024 * 1024 + 17));
  writeFileSync(noisePath, bytesAfter('NOISE', 1000));
});
afterAll(() => tmp.cleanup());

describe('xtrace view with a fake viewer folder', () => {
  let v: Running;
  beforeAll(async () => {
    v = await startView(['--port', '0', '--viewer-dir', viewerDir, ssPath, moqPath]);
  });
  afterAll(async () => {
    await v?.stop();
  });

  it('prints the URL as the only stdout line, on 127.0.0.1, with one file parameter per file', async () => {
    expect(v.stdout().split('\n')).toEqual([v.url.href, '']);
    expect(v.url.protocol).toBe('http:');
    expect(v.url.hostname).toBe('127.0.0.1');
    expect(Number(v.url.port)).toBeGreaterThan(0);
    expect(v.url.pathname).toBe('/');
    expect(v.url.searchParams.getAll('file')).toEqual([
      '/files/0/rec.ss',
      `/files/1/${encodeURIComponent('big trace #1 ü.moqtrace')}`,
    ]);
    expect(v.url.href).toContain('?file=/files/0/rec.ss&file=/files/1/');
    await expect.poll(() => v.stderr(), { timeout: 60_000 }).toContain('Ctrl-C');
    expect(v.stderr()).not.toMatch(/^xtrace: /m);
  });

  it('serves index.html for / and the viewer files with their content types', async () => {
    const index = await get(v.url, `/${v.url.search}`);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body.toString()).toContain('fake viewer');
    expectSecurityHeaders(index);
    expect((await get(v.url, '/index.html')).body).toEqual(index.body);
    const types: [string, string][] = [
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/mod.wasm', 'application/wasm'],
      ['/assets/app.js.map', 'application/json; charset=utf-8'],
      ['/assets/nested/x.json', 'application/json; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
      ['/logo.png', 'image/png'],
    ];
    for (const [path, type] of types) {
      const r = await get(v.url, path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.body, path).toEqual(readFileSync(join(viewerDir, ...path.split('/'))));
      expectSecurityHeaders(r);
    }
    expect((await get(v.url, '/assets/app.js')).body.toString()).toBe(FAKE_JS);
    const head = await get(v.url, '/assets/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(FAKE_JS.length));
    expect(head.body.length).toBe(0);
  });

  it('serves the files byte-identical, streamed with Content-Length, octet-stream and no-store', async () => {
    for (const [param, path] of v.url.searchParams.getAll('file').map((p, i) => [p, [ssPath, moqPath][i]!])) {
      const r = await get(v.url, param!);
      const expected = readFileSync(path!);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/octet-stream');
      expect(r.headers['content-length']).toBe(String(expected.length));
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['accept-ranges']).toBe('bytes');
      expectSecurityHeaders(r);
      expect(r.body.equals(expected)).toBe(true);
    }
    // the page's own fetch of the parameter (resolved against the page URL) reaches the same file
    const viaFetch = await fetch(new URL(v.url.searchParams.getAll('file')[1]!, v.url));
    expect(Buffer.from(await viaFetch.arrayBuffer()).equals(readFileSync(moqPath))).toBe(true);
  });

  it('answers Range requests with 206 and the right slice, and 416 past the end', async () => {
    const path = v.url.searchParams.getAll('file')[1]!;
    const bytes = readFileSync(moqPath);
    const size = bytes.length;
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      ['bytes=10-99', 10, 99],
      ['bytes=1048570-2097160', 1048570, 2097160],
      [`bytes=${size - 5}-`, size - 5, size - 1],
      ['bytes=-100', size - 100, size - 1],
      [`bytes=100-${size * 2}`, 100, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await get(v.url, path, { Range: range });
      expect(r.status, range).toBe(206);
      expect(r.headers['content-range'], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(r.headers['content-length'], range).toBe(String(end - start + 1));
      expect(r.body.equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
    const past = await get(v.url, path, { Range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${size}`);
    // several ranges or nonsense: the whole file
    for (const range of ['bytes=0-1,5-6', 'items=0-5', 'bytes=9-3']) {
      const r = await get(v.url, path, { Range: range });
      expect(r.status, range).toBe(200);
      expect(r.body.length, range).toBe(size);
    }
    const head = await get(v.url, path, { Range: 'bytes=0-99' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers['content-length']).toBe('100');
    expect(head.body.length).toBe(0);
  });

  it('refuses path traversal, hidden files, symlinks out, directories and unknown files (400/404)', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/etc/passwd',
      '/..%2fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/..\\secret.txt',
      '/assets\\..\\..\\secret.txt',
      '//etc/passwd',
      `/${encodeURIComponent(join(tmp.dir, 'secret.txt'))}`,
      '/%2Fetc%2Fpasswd',
      '/files/0/../../secret.txt',
      '/files/0/..%2f..%2fsecret.txt',
      '/files/../secret.txt',
      '/%00',
      '/index.html%00.js',
      '/%',
      '/.env',
      '/escape.txt',
      '/assets/',
      '/assets',
      '/assets/nested/',
      '/missing.js',
      '/files/',
      '/files/0',
      '/files/0/',
      '/files/0/other.ss',
      '/files/2/rec.ss',
      '/files/1/rec.ss',
      '/files/00/rec.ss',
      '/files/-1/rec.ss',
      '/files/0/rec.ss/x',
      'http://127.0.0.1/secret.txt',
      '*',
    ];
    for (const path of attempts) {
      const r = await get(v.url, path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body.toString(), path).not.toContain(SECRET);
      expect(r.body.toString(), path).not.toContain('app.js');
      expectSecurityHeaders(r);
    }
  });

  it('accepts only GET and HEAD, and refuses other Host names (DNS rebinding)', async () => {
    const post = await get(v.url, '/', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const rebound = await get(v.url, '/files/0/rec.ss', { Host: `evil.example:${v.url.port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body.length).toBeLessThan(100);
    const local = await get(v.url, '/files/0/rec.ss', { Host: `localhost:${v.url.port}` });
    expect(local.status).toBe(200);
  });

  it('binds 127.0.0.1 only', async () => {
    const port = Number(v.url.port);
    const refused = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port, timeout: 10_000 });
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('timeout', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(true));
      });
    expect(await refused('127.0.0.1')).toBe(false);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal)
      .map((a) => a!.address.split('%')[0]!);
    for (const address of [...others, '::1']) expect(await refused(address), address).toBe(true);
  });
});

describe('xtrace view inputs and lifecycle', () => {
  it('exits 0 on SIGTERM and on SIGINT, closing the server', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const v = await startView(['--port', '0', '--viewer-dir', viewerDir, ssPath]);
      expect((await get(v.url, '/files/0/rec.ss')).status).toBe(200);
      const exit = await v.stop(signal);
      expect(exit, signal).toEqual({ code: 0, signal: null });
      expect(v.stderr()).toContain(`Stopped (${signal})`);
      await expect(get(v.url, '/')).rejects.toThrow();
    }
  });

  it('reports a missing file or a directory in one line, exit 2, before serving', async () => {
    const missing = join(tmp.dir, 'missing.ss');
    const r = await xtrace(['view', '--port', '0', '--viewer-dir', viewerDir, ssPath, missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`xtrace: ${missing}: IO_ERROR: no such file or directory`);
    expect(noStackTrace(r.stderr)).toBe(true);
    const d = await xtrace(['view', '--port', '0', '--viewer-dir', viewerDir, tmp.dir]);
    expect(d.code).toBe(2);
    expect(d.stdout).toBe('');
    expect(d.stderr.trim()).toBe(`xtrace: ${tmp.dir}: IO_ERROR: is a directory`);
  });

  it('reports a file that cannot be opened, even by root (symlink loop: exit 2, one line)', async () => {
    const loop = join(tmp.dir, 'loop.ss');
    symlinkSync(loop, loop);
    const r = await xtrace(['view', '--port', '0', '--viewer-dir', viewerDir, loop]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^xtrace: ${loop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: IO_ERROR: `));
  });

  it('without a viewer build: exit 2, one line with the build hint', async () => {
    const empty = join(tmp.dir, 'empty-viewer');
    mkdirSync(empty, { recursive: true });
    for (const [args, env] of [
      [['--viewer-dir', empty], {}],
      [[], { XTRACE_VIEWER_DIR: empty }],
    ] as const) {
      const r = await xtrace(['view', '--port', '0', ...args, ssPath], { env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^xtrace: VIEWER_NOT_FOUND: no index\.html in /);
      expect(lines[0]).toContain('pnpm --filter @x/viewer build');
      expect(noStackTrace(r.stderr)).toBe(true);
    }
  });

  it('finds no default viewer: the message names the places and the build command', () => {
    const places = [
      { dir: join(tmp.dir, 'nope-1'), source: 'packaged' },
      { dir: join(tmp.dir, 'nope-2'), source: 'repository' },
    ];
    expect(() => findViewerDir(undefined, {}, places)).toThrow(
      /not built .*nope-1, .*nope-2.*pnpm --filter @x\/viewer build/,
    );
    expect(findViewerDir(undefined, {}, [...places, { dir: viewerDir, source: 'x' }]).source).toBe('x');
    expect(findViewerDir(undefined, { XTRACE_VIEWER_DIR: viewerDir }, places).source).toBe('XTRACE_VIEWER_DIR');
  });

  it('warns about a file in neither format but serves it', async () => {
    const v = await startView(['--port', '0', '--viewer-dir', viewerDir, noisePath, ssPath]);
    try {
      await expect
        .poll(() => v.stderr(), { timeout: 60_000 })
        .toMatch(/^xtrace: .*noise\.bin: UNKNOWN_FORMAT at offset 0: .*served anyway/m);
      const r = await get(v.url, '/files/0/noise.bin');
      expect(r.status).toBe(200);
      expect(r.body.equals(readFileSync(noisePath))).toBe(true);
    } finally {
      expect(await v.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('serves a qlog file, detected from its content, without a warning', async () => {
    const trace = join(tmp.dir, 'session.moqtrace');
    writeFileSync(
      trace,
      writeTrace({
        header: {
          protocol: 'moq-transport-14',
          perspective: 'client',
          detail: 'control',
          startTime: 1_700_000_000_000,
        },
        events: [{ type: 'annotation', seq: 0, timestamp: 0, label: 'hello', data: 1 } as TraceEvent],
      }),
    );
    const sqlog = join(tmp.dir, 'session.sqlog');
    expect((await xtrace(['convert', trace, sqlog])).code).toBe(0);
    const v = await startView(['--port', '0', '--viewer-dir', viewerDir, sqlog]);
    try {
      expect(v.url.searchParams.getAll('file')).toEqual(['/files/0/session.sqlog']);
      await expect.poll(() => v.stderr(), { timeout: 60_000 }).toMatch(/\/files\/0\/session\.sqlog {2}qlog {2}\d/);
      expect(v.stderr()).not.toMatch(/UNKNOWN_FORMAT/);
      const r = await get(v.url, '/files/0/session.sqlog');
      expect(r.body.equals(readFileSync(sqlog))).toBe(true);
    } finally {
      expect(await v.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('serves stdin for -', async () => {
    const bytes = readFileSync(ssPath);
    const child = spawn(process.execPath, [BIN, 'view', '--port', '0', '--viewer-dir', viewerDir, '-'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    running.add(child);
    child.stdin.end(bytes);
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
    });
    const url = new URL(line);
    expect(url.searchParams.getAll('file')).toEqual(['/files/0/stdin']);
    const r = await get(url, '/files/0/stdin', { Range: 'bytes=3-9' });
    expect(r.status).toBe(206);
    expect(r.body.equals(bytes.subarray(3, 10))).toBe(true);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
  });

  it('--port: a busy port given explicitly is an error; the default falls back to a free one', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const r = await xtrace(['view', '--port', String(busy), '--viewer-dir', viewerDir, ssPath]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(/^xtrace: IO_ERROR: port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      blocker.close();
    }
    const bad = await xtrace(['view', '--port', '70000', ssPath]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^xtrace: USAGE: .*port/);

    // the default port: 4180, or any free one when it is taken (take it here unless someone else has it)
    const holder = createServer();
    const held = await new Promise<boolean>((resolve) => {
      holder.once('error', () => resolve(false));
      holder.listen(4180, '127.0.0.1', () => resolve(true));
    });
    try {
      const v = await startView(['--viewer-dir', viewerDir, ssPath]);
      expect(v.url.port).not.toBe('4180');
      await expect.poll(() => v.stderr(), { timeout: 60_000 }).toContain('port 4180 is busy');
      expect((await get(v.url, '/files/0/rec.ss')).status).toBe(200);
      await v.stop();
    } finally {
      if (held) holder.close();
    }
  });

  it('--open runs $BROWSER with the URL; a missing opener is skipped silently', async () => {
    const log = join(tmp.dir, 'opened.txt');
    const opener = join(tmp.dir, 'fake-browser.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${log}'\n`);
    chmodSync(opener, 0o755);
    const v = await startView(['--port', '0', '--open', '--viewer-dir', viewerDir, ssPath], { BROWSER: opener });
    await expect.poll(() => (existsSync(log) ? readFileSync(log, 'utf8') : ''), { timeout: 60_000 }).toBe(v.url.href);
    expect(await v.stop()).toEqual({ code: 0, signal: null });

    const none = await startView(['--port', '0', '--open', '--viewer-dir', viewerDir, ssPath], {
      BROWSER: join(tmp.dir, 'no-such-browser'),
    });
    expect((await get(none.url, '/')).status).toBe(200);
    expect(none.stderr()).not.toMatch(/^xtrace: /m);
    expect(await none.stop()).toEqual({ code: 0, signal: null });
  });

  it('has help with examples and the flags', async () => {
    const r = await xtrace(['view', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['--port', '--open', '--viewer-dir', 'XTRACE_VIEWER_DIR', 'Examples:', '$ xtrace view ']) {
      expect(r.stdout).toContain(text);
    }
  });
});

describe('request parsing helpers', () => {
  it('parseTarget keeps plain paths and refuses traversal', () => {
    expect(parseTarget('/')).toEqual({ kind: 'index' });
    expect(parseTarget('/?file=/files/0/a.ss')).toEqual({ kind: 'index' });
    expect(parseTarget('/assets/a%20b.js?x#y')).toEqual({ kind: 'path', segments: ['assets', 'a b.js'] });
    for (const bad of ['/..', '/a/%2e%2E/b', '/a%2fb', '/a%5cb', '/a\\b', '//x', '/%zz', 'x', '/%00']) {
      expect(parseTarget(bad), bad).toEqual({ kind: 'status', status: 400 });
    }
    expect(parseTarget('/assets/')).toEqual({ kind: 'status', status: 404 });
  });

  it('parseRange', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=2-4', 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange('bytes=2-', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=4-2', 10)).toBeUndefined();
    expect(parseRange('bytes=0-1,3-4', 10)).toBeUndefined();
    expect(parseRange('bytes=-', 10)).toBeUndefined();
  });
});

describe.skipIf(!realViewerBuilt)(
  `xtrace view with the real viewer build${realViewerBuilt ? '' : ' (skipped: apps/viewer/dist/index.html is missing; run pnpm --filter @x/viewer build)'}`,
  () => {
    it('serves the built index.html, its scripts and styles, from --viewer-dir and from the default lookup', async () => {
      for (const args of [['--viewer-dir', REAL_VIEWER], []]) {
        const v = await startView(['--port', '0', ...args, ssPath, moqPath]);
        try {
          const index = await get(v.url, '/');
          expect(index.status).toBe(200);
          expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
          // the default lookup prefers the copy packaged by the build
          const dir =
            args.length === 0 && existsSync(join(PACKAGED_VIEWER, 'index.html')) ? PACKAGED_VIEWER : REAL_VIEWER;
          const html = index.body.toString();
          expect(html).toBe(readFileSync(join(dir, 'index.html'), 'utf8'));
          expect(html).toContain('Content-Security-Policy');
          const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
          const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
          expect(scripts.length).toBeGreaterThan(0);
          for (const [refs, type] of [
            [scripts, 'text/javascript; charset=utf-8'],
            [styles, 'text/css; charset=utf-8'],
          ] as const) {
            for (const ref of refs) {
              const path = new URL(ref, v.url).pathname;
              const r = await get(v.url, path);
              expect(r.status, path).toBe(200);
              expect(r.headers['content-type'], path).toBe(type);
              expect(r.body.equals(readFileSync(join(dir, ...path.split('/')))), path).toBe(true);
            }
          }
          expect((await get(v.url, '/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
        } finally {
          expect(await v.stop()).toEqual({ code: 0, signal: null });
        }
      }
    });
  },
);
