/**
 * `xtrace cat FILE`: the records in file order, in one of the output formats, with filters, `--limit` and
 * `--follow` (waiting for a file that does not exist yet with `--wait`).
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { EXIT_USAGE, usage } from '../errors.js';
import { RecordFraming } from '../formats/framing.js';
import { ProblemQueue } from '../formats/problem-queue.js';
import type { CatFormat, CatOptions, ReadOutcome, RecordBase } from '../formats/types.js';
import { createProgress } from '../output/progress.js';
import { examples, nonNegativeInt, TIME_HELP, u64Arg } from '../program/args.js';
import { openWithAdapter } from './common.js';

const FORMATS: readonly CatFormat[] = ['ndjson', 'json', 'table', 'log', 'events', 'ss-decode-log', 'ss-decode-ndjson'];

/** Waits (backing off up to 1 s) until `path` exists with at least 8 bytes, or the run is interrupted. */
async function waitForFile(ctx: Context, path: string, missingOk: boolean): Promise<boolean> {
  let said = false;
  for (let delay = 10; ; delay = Math.min(delay * 2, 1000)) {
    try {
      if ((await stat(path)).size >= 8) return true;
    } catch (error) {
      if (!missingOk || (error as { code?: string }).code !== 'ENOENT') return true; // openInput reports it
      if (!said) {
        said = true;
        ctx.warn('WAITING', 'no such file yet: waiting for it to appear (Ctrl-C to stop)', path);
      }
    }
    if (ctx.io.signal?.aborted) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      ctx.io.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

const PRIMARY = new Set(['message', 'event']);

/** Runs `xtrace cat`. */
export async function cat(ctx: Context, file: string, options: CatOptions): Promise<void> {
  if (options.wait && !options.follow) throw usage('--wait goes with --follow');
  if (options.follow && file === '-') throw usage('--follow needs a file, not stdin');
  if (options.follow && !(await waitForFile(ctx, file, options.wait === true))) return;
  const format: CatFormat = options.format ?? (ctx.stdoutIsTTY ? 'table' : 'ndjson');
  const { input, adapter } = await openWithAdapter(ctx, file);
  if (!adapter.catFormats.includes(format)) {
    throw usage(`--format ${format} does not apply to ${adapter.label} files (${adapter.catFormats.join(', ')})`);
  }
  if (adapter.catItself && (await adapter.catItself(ctx, input, format, options))) return;
  const filter = adapter.filter(options);
  const queue = new ProblemQueue();
  const reading = await adapter.open(ctx, input, {
    structure: true,
    follow: options.follow === true,
    waitForFile: options.wait === true,
    onProblem: (p) => queue.push(p),
  });
  const renderer = adapter.renderer(ctx, input, reading, format, options);
  const framing = renderer.mode === 'records' ? new RecordFraming(format === 'json' ? 'json' : 'ndjson') : undefined;
  const out = ctx.out;
  const emit = (text: string | undefined): Promise<void> | undefined =>
    text === undefined ? undefined : out.write(framing ? framing.record(text) : text);
  const flushProblems = async (before: number): Promise<void> => {
    for (let p = queue.takeBefore(before); p !== undefined; p = queue.takeBefore(before)) {
      ctx.problem(p, input.name);
      const w = emit(renderer.problem(p));
      if (w) await w;
    }
  };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const progress = await createProgress(ctx, input.size ?? 0, 'cat');
  let printed = 0;
  let outcome: ReadOutcome | undefined;
  try {
    for (const text of renderer.start()) {
      const w = emit(text);
      if (w) await w;
    }
    if (options.follow) await out.flush();
    if (limit === 0) outcome = await reading.stop(undefined);
    while (outcome === undefined) {
      const batch = await reading.nextBatch();
      if (batch === null) break;
      // An empty batch: the reader handed out problems and no record, so every problem queued comes first.
      if (batch.length === 0) await flushProblems(Number.POSITIVE_INFINITY);
      let last: RecordBase | undefined;
      for (const record of batch) {
        if (queue.length > 0) await flushProblems(record.offset);
        last = record;
        if (!filter.matches(record)) continue;
        const text = renderer.record(record);
        if (text === undefined) continue;
        const w = emit(text);
        if (w) await w;
        if (PRIMARY.has(record.kind) && ++printed >= limit) {
          outcome = await reading.stop(record);
          break;
        }
      }
      if (last !== undefined) progress.update(reading.position);
      // a follower prints records as they arrive
      if (options.follow) await out.flush();
    }
  } finally {
    progress.stop();
    await reading.close();
  }
  outcome ??= reading.outcome();
  await flushProblems(outcome.state === 'limit' ? outcome.offset : Number.POSITIVE_INFINITY);
  if (outcome.state === 'removed') {
    ctx.problem(
      {
        code: 'FILE_REMOVED',
        severity: 'error',
        offset: outcome.offset,
        message: 'the file was removed while following it',
      },
      input.name,
    );
  }
  let w = emit(renderer.end(outcome));
  if (w) await w;
  if (framing) {
    w = out.write(framing.finish());
    if (w) await w;
  }
  const missing = filter.finish();
  if (missing !== undefined && !options.follow)
    ctx.reportLine({ code: 'NO_SUCH_STREAM', message: missing }, input.name, EXIT_USAGE);
}

/** The `cat` command. */
export function catCommand(ctx: Context): Command {
  return new Command('cat')
    .description('print the records in file order')
    .argument('<file>', 'a .ss, .moqtrace or qlog file, or - for stdin')
    .addOption(
      new Option('-f, --format <format>', 'output format (default: table on a terminal, ndjson otherwise)').choices(
        FORMATS,
      ),
    )
    .option('--stream <key>', '.ss: only this stream key')
    .option('--shard <n>', '.ss: only this shard id', u64Arg)
    .option('--type <name|n>', '.moqtrace, qlog: only this event type (a name such as control, or a number)')
    .addOption(
      new Option('--direction <dir>', '.moqtrace, qlog: only sent (tx) or received (rx) events').choices(['tx', 'rx']),
    )
    .option('--from <time>', 'only records at or after this time')
    .option('--to <time>', 'only records at or before this time')
    .option('--limit <n>', 'stop after n records (the end record then says state "limit")', nonNegativeInt)
    .addOption(
      new Option(
        '--payload <mode>',
        'payloads: auto (text when valid UTF-8 without control characters but tab, newline and CR, else hex), text, hex, base64, none',
      )
        .choices(['auto', 'text', 'hex', 'base64', 'none'])
        .default('auto'),
    )
    .addOption(
      new Option('--bytes <enc>', '.moqtrace, qlog byte fields: hex or base64')
        .choices(['hex', 'base64'])
        .default('hex'),
    )
    .option('--beacons', '.ss: also print beacon records')
    .option('--follow', 'keep printing as the file grows, until EOS (.ss), removal or Ctrl-C')
    .option('--wait', 'with --follow: wait for a file that does not exist yet (like tail -F)')
    .addHelpText(
      'after',
      `
Formats:
  ndjson            the record contract: header, message/event, beacon, error and end records (use this with jq)
  json              the same records as one JSON array
  table, log        for people: one line per record, control messages summarised (SUBSCRIBE request_id=1 live/video)
  events            .moqtrace, qlog: the canonical event rendering alone, one line per event
  ss-decode-log     .ss: the reference SeaStreamer decoder's log output, byte for byte
  ss-decode-ndjson  .ss: the reference decoder's NDJSON, byte for byte; its first line is a /* ... */ comment,
                    which jq rejects: use plain ndjson for jq (--payload none = its --header-only)
With --payload text or base64 (or auto choosing text), a .moqtrace object payload carries payloadEncoding.
${TIME_HELP}
${examples(
  'xtrace cat recording.ss --format log',
  'xtrace cat recording.ss --stream hello --shard 1 --from 2023-11-14T22:13:20Z --limit 10',
  'xtrace cat recording.ss --format ss-decode-ndjson --payload none',
  'xtrace cat trace.moqtrace --format events | sha256sum',
  'xtrace cat trace.moqtrace --type control --direction rx --from 0 --to 5000000',
  'xtrace cat client.sqlog --format log',
  'xtrace cat live.ss --follow --wait --format log',
)}`,
    )
    .action((file: string, options: CatOptions) => cat(ctx, file, options));
}
