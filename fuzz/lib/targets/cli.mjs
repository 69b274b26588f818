// The built `xtrace` command as a black box, in a subprocess, on a sample of cases: `validate`, `cat --format
// ndjson` and a human-readable format, `info`, and for NDJSON inputs `convert` to the binary format. Invariants:
// exit 0 or 1 (2 is for usage and I/O errors, never for data), no internal error or stack trace, no raw control
// character in human-readable output, records and end state as the libraries read them, and a failed conversion
// leaves no output file behind while a successful one writes what the library imports.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QlogError, readQlog } from '@x/moqt-qlog';
import { MoqtraceError, readTrace } from '@x/moqtrace';
import { importNdjson } from '@x/moqtrace/ndjson';
import { readSeaStreamer, SeaStreamerFileError } from '@x/seastreamer-file';
import { Finding } from '../check.mjs';

const ROOT = new URL('../../..', import.meta.url).pathname;
/** The built command line. */
export const XTRACE = join(ROOT, 'apps/cli/bin/xtrace.js');
const TIMEOUT_MS = 120_000;

/** Runs `xtrace args` with a timeout; resolves `{ code, stdout, stderr }`. */
export function runXtrace(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XTRACE, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: signal ? `killed by ${signal}` : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

// C0 controls but LF, DEL, and the C1 controls: never raw in human-readable output.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what the check looks for
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** Checks one run: exit 0 or 1, no internal error, and (human output) no raw control character. */
export function checkRun(run, label, { human }) {
  if (run.code !== 0 && run.code !== 1) {
    throw new Finding('cli-exit', label, `exit ${run.code}: ${run.stderr.slice(0, 300)}`);
  }
  if (/\bINTERNAL\b|\n\s+at .+:\d+:\d+\)?\n|TypeError|RangeError|ReferenceError/.test(run.stderr)) {
    throw new Finding('cli-internal', label, run.stderr.slice(0, 400));
  }
  for (const [name, text] of human
    ? [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ]
    : [['stderr', run.stderr]]) {
    const m = RAW_CONTROL.exec(text);
    if (m) {
      const at = m.index;
      throw new Finding(
        'cli-control-char',
        label,
        `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${name}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`,
      );
    }
  }
}

/** The library's view of a binary input: format, records, end, or the error it throws. */
function libraryRead(bytes) {
  const isSs = bytes.length >= 2 && bytes[0] === 0x53 && bytes[1] === 0x73;
  try {
    // validate applies every rule, also those only `strict` reads enforce (.ss stream keys and timestamps).
    const strict = (read) => {
      try {
        read();
        return true;
      } catch {
        return false;
      }
    };
    if (isSs) {
      const c = readSeaStreamer(bytes);
      const rules = strict(() => readSeaStreamer(bytes, { strict: true }));
      return { records: c.messages.length, end: c.end, errors: c.end.errors, rules };
    }
    const isTrace = bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 8)) === 'MOQTRACE';
    if (!isTrace) {
      const q = readQlog(bytes);
      return { records: q.events.length, end: q.end, errors: q.end.errors, rules: true };
    }
    const t = readTrace(bytes);
    return { records: t.events.length, end: t.end, errors: t.end.errors, rules: true };
  } catch (error) {
    if (MoqtraceError.is(error) || SeaStreamerFileError.is(error) || QlogError.is(error)) return { thrown: error.code };
    throw error;
  }
}

async function binaryInput(bytes, rng, dir) {
  const file = join(dir, 'input.bin');
  writeFileSync(file, bytes);
  const expected = libraryRead(bytes);
  const validate = await runXtrace(['validate', file], dir);
  checkRun(validate, 'xtrace validate', { human: true });
  // Warnings (a running checksum restarted by an append, ...) do not fail a validation; errors and cuts do.
  const clean = expected.thrown === undefined && expected.errors === 0 && expected.rules && expected.end.complete;
  if ((validate.code === 0) !== clean) {
    throw new Finding(
      'cli-verdict',
      'xtrace validate',
      `exit ${validate.code}, the library reads ${JSON.stringify(expected)}`,
    );
  }
  const cat = await runXtrace(['cat', file, '--format', 'ndjson'], dir);
  checkRun(cat, 'xtrace cat --format ndjson', { human: false });
  if (expected.thrown === undefined) {
    const lines = cat.stdout.split('\n').filter((l) => l !== '');
    let records = 0;
    let end;
    for (const line of lines) {
      let r;
      try {
        r = JSON.parse(line);
      } catch {
        throw new Finding('cli-output', 'xtrace cat --format ndjson', `not JSON: ${line.slice(0, 200)}`);
      }
      if (r.kind === 'event' || r.kind === 'message') records++;
      if (r.kind === 'end') end = r;
    }
    if (records !== expected.records || end?.state !== expected.end.state || end?.offset !== expected.end.offset) {
      throw new Finding(
        'cli-verdict',
        'xtrace cat --format ndjson',
        `${records} records, end ${end?.state} at ${end?.offset}; the library reads ${expected.records}, ${expected.end.state} at ${expected.end.offset}`,
      );
    }
  }
  const human = rng.pick([
    ['cat', file, '--format', rng.pick(['log', 'table'])],
    ['info', file],
    ['stats', file],
  ]);
  const run = await runXtrace(human, dir);
  checkRun(run, `xtrace ${human[0]} ${human.slice(2).join(' ')}`.trim(), { human: true });
  return `validate ${validate.code}`;
}

async function ndjsonInput(bytes, family, dir) {
  const file = join(dir, 'input.ndjson');
  const out = join(dir, family === 'ssNdjson' ? 'out.ss' : 'out.moqtrace');
  writeFileSync(file, bytes);
  const to = family === 'ssNdjson' ? 'ss' : 'moqtrace';
  const run = await runXtrace(['convert', file, out, '--to', to], dir);
  checkRun(run, `xtrace convert --to ${to}`, { human: true });
  const left = readdirSync(dir).filter((name) => name !== 'input.ndjson');
  if (run.code !== 0) {
    if (left.length > 0)
      throw new Finding('cli-partial-output', `xtrace convert --to ${to}`, `exit ${run.code} left ${left.join(', ')}`);
    if (!/line \d+|at offset \d+/.test(run.stderr)) {
      throw new Finding(
        'cli-output',
        `xtrace convert --to ${to}`,
        `a failed import without its line: ${run.stderr.slice(0, 300)}`,
      );
    }
  } else if (!existsSync(out)) {
    throw new Finding('cli-output', `xtrace convert --to ${to}`, 'exit 0 without an output file');
  } else {
    const written = new Uint8Array(readFileSync(out));
    const read = libraryRead(written);
    if (read.thrown !== undefined || !read.end.complete) {
      throw new Finding(
        'cli-output',
        `xtrace convert --to ${to}`,
        `the output does not read back: ${JSON.stringify(read)}`,
      );
    }
    if (to === 'moqtrace') {
      // The library's strict import of the same text has as many events.
      const imported = await importNdjson(bytes).catch(() => undefined);
      const events = imported?.segments.reduce((n, s) => n + s.events.length, 0);
      if (events !== read.records) {
        throw new Finding(
          'cli-verdict',
          'xtrace convert --to moqtrace',
          `${read.records} events written, the library imports ${events ?? 'nothing'}`,
        );
      }
    }
  }
  return `convert ${run.code}`;
}

/** The command line. */
export const cliTarget = {
  name: 'cli',
  family: ['trace', 'ss', 'qlog', 'traceNdjson', 'ssNdjson'],
  async run(bytes, rng, time, context) {
    if (!existsSync(XTRACE)) throw new Error(`${XTRACE} is missing: build the CLI first (pnpm build)`);
    const dir = mkdtempSync(join(tmpdir(), 'xtrace-fuzz-'));
    try {
      if (context.family === 'trace' || context.family === 'ss' || context.family === 'qlog')
        return await time('cli', () => binaryInput(bytes, rng, dir));
      return await time('cli', () => ndjsonInput(bytes, context.family, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
