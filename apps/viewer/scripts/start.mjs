#!/usr/bin/env node
// `pnpm start`: serves the built viewer (dist/) on 127.0.0.1 with `vite preview`, says what is loaded and how to
// open a file, and stops the server when it is stopped itself: Ctrl-C (SIGINT), SIGTERM, SIGHUP, or the end of
// the `pnpm` process that started it. pnpm does not pass SIGTERM on to the script it runs, so on Linux the server
// also watches the launcher processes above it (pnpm, its `sh -c`, turbo) and stops when one of them is gone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preview } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'index.html'))) {
  console.error(
    'xtrace viewer: dist/ is missing; build it first (pnpm run build, or pnpm start at the repository root)',
  );
  process.exit(1);
}
const port = process.env.PORT === undefined ? 4173 : Number(process.env.PORT);

/** The launcher processes above this one (Linux /proc), up to the first that is not pnpm, npm, turbo or `sh -c`. */
function launchers() {
  const out = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    let stat;
    let args;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      break; // no /proc (not Linux): the signal handlers below are all there is
    }
    const launcher =
      args.some((arg) => /(^|\/)(pnpm|npm|turbo)(\.c?js)?$/.test(arg)) ||
      (/(^|\/)(ba|da)?sh$/.test(args[0] ?? '') && args[1] === '-c');
    if (!launcher) break;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.push({ pid, started: fields[19] });
    pid = Number(fields[1]);
  }
  return out;
}

function alive({ pid, started }) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] === started;
  } catch {
    return false;
  }
}

const server = await preview({
  root,
  logLevel: 'warn',
  preview: { host: '127.0.0.1', port, strictPort: false, open: false },
});
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;

function demoLine(file, what) {
  const path = join(dist, 'demo', file);
  const size = existsSync(path) ? ` (${readFileSync(path).length.toLocaleString('en-US')} bytes)` : '';
  return `    ${what.padEnd(24)}${url}?file=demo/${file}${size}`;
}

console.log(`xtrace viewer: ${url}

  Loaded: the two demo recordings, also on the start page ("Open demo"):
${demoLine('session.moqtrace', 'MoQT session trace')}
${demoLine('streams.ss', 'SeaStreamer recording')}

  Open your own file (.moqtrace, .qlog/.sqlog/mlog, .ss): drag and drop it onto the page or use "Open files…",
  or from a shell: xtrace view FILE

  Ctrl-C stops the server.`);

// Output may go to a pipe whose reader (pnpm) is gone: never fail on it.
process.stdout.on('error', () => {});

let stopping = false;
async function stop(reason) {
  if (stopping) return;
  stopping = true;
  console.log(`xtrace viewer: stopped (${reason})`);
  const forced = setTimeout(() => process.exit(0), 3000);
  forced.unref();
  try {
    await server.close();
  } finally {
    process.exit(0);
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal));
const watched = launchers();
if (watched.length > 0) {
  const timer = setInterval(() => {
    if (!watched.every(alive)) void stop('the pnpm process that started it ended');
  }, 250);
  timer.unref();
}
