/**
 * `xtrace hexdump FILE [--offset N] [--length N]`: a hex dump annotated with the structure the format's
 * adapter finds (header fields, frames, beacons and splices; preambles, header maps and events; qlog records).
 * A file in no known format is dumped without annotations (and reported).
 *
 * @module
 */
import { asciiChar } from '@x/binary';
import { Command } from 'commander';
import type { Context } from '../context.js';
import { EXIT_USAGE, XtraceError } from '../errors.js';
import { loadAdapter } from '../formats/registry.js';
import type { Region } from '../formats/types.js';
import { openInput, readAllBytes, type TraceInput } from '../input/input.js';
import { escapeText } from '../output/escape.js';
import { examples, nonNegativeInt } from '../program/args.js';
import { ProblemReporter } from './common.js';

/** Options of `hexdump`. */
export interface HexdumpOptions {
  readonly offset: number;
  readonly length?: number;
}

function fillGaps(regions: Region[], from: number, to: number): Region[] {
  regions.sort((a, b) => a.start - b.start);
  const out: Region[] = [];
  let pos = from;
  for (const r of regions) {
    if (r.end <= pos) continue;
    if (r.start > pos) out.push({ start: pos, end: Math.min(r.start, to), label: 'unparsed bytes', kind: 'tail' });
    if (r.end > r.start) out.push(r);
    pos = Math.max(pos, r.end);
    if (pos >= to) break;
  }
  if (pos < to) out.push({ start: pos, end: to, label: 'trailing bytes (incomplete item)', kind: 'tail' });
  return out;
}

async function printRegions(
  ctx: Context,
  bytes: Uint8Array,
  regions: Region[],
  from: number,
  to: number,
): Promise<void> {
  const c = ctx.colors;
  const paint: Record<Region['kind'], (s: string) => string> = {
    header: c.cyan,
    frame: c.green,
    payload: (s) => s,
    beacon: c.yellow,
    event: c.green,
    tail: c.red,
  };
  const width = Math.max(8, to.toString(16).length);
  for (const r of regions) {
    const start = Math.max(r.start, from);
    const end = Math.min(r.end, to);
    if (start >= end) continue;
    let first = true;
    let text = '';
    for (let row = start; row < end; row += 16) {
      const rowEnd = Math.min(end, row + 16);
      let hex = '';
      let ascii = '';
      for (let i = row; i < rowEnd; i++) {
        hex += `${(bytes[i] as number).toString(16).padStart(2, '0')} `;
        ascii += asciiChar(bytes[i] as number);
      }
      const label = first ? escapeText(r.start < start ? `${r.label} (continued)` : r.label) : '';
      first = false;
      const line = `${c.dim(row.toString(16).padStart(width, '0'))}  ${paint[r.kind](hex.padEnd(48))} ${c.dim('|')}${ascii.padEnd(16)}${c.dim('|')}${label ? `  ${paint[r.kind](label)}` : ''}`;
      text += `${line.trimEnd()}\n`;
    }
    const w = ctx.out.write(text);
    if (w) await w;
  }
}

/** Runs `xtrace hexdump`. */
export async function hexdump(ctx: Context, file: string, options: HexdumpOptions): Promise<void> {
  let regions: Region[] = [];
  let input: Awaited<ReturnType<typeof openInput>> | undefined;
  let unknown: unknown;
  try {
    input = await openInput(ctx, file);
  } catch (error) {
    if (!(XtraceError.is(error) && error.code === 'UNKNOWN_FORMAT')) throw error;
    unknown = error;
  }
  ctx.currentFile = file;
  const bytes = input ? await input.bytes() : await readAllBytes(ctx, file);
  const size = bytes.length;
  if (options.offset >= size) {
    throw new XtraceError(
      'OUT_OF_RANGE',
      `--offset ${options.offset} is past the end of the file (${size} bytes: offsets 0 to ${size - 1})`,
      { file, exitCode: EXIT_USAGE },
    );
  }
  const from = options.offset;
  const to = options.length === undefined ? size : Math.min(size, from + options.length);
  if (input && input.detected.format !== 'ndjson') {
    const adapter = await loadAdapter(input.detected.format);
    const traceInput: TraceInput = { ...input, format: input.detected.format };
    const problems = new ProblemReporter(ctx, file, 10);
    regions = await adapter.regions(traceInput, bytes, from, to, problems.add);
    problems.finish();
  }
  await printRegions(ctx, bytes, fillGaps(regions, from, to), from, to);
  if (unknown !== undefined) ctx.report(unknown, file);
}

/** The `hexdump` command. */
export function hexdumpCommand(ctx: Context): Command {
  return new Command('hexdump')
    .description(
      'hex dump annotated with the structure (header, frames, beacons, splices; preambles, header maps, events)',
    )
    .argument('<file>', 'a .ss, .moqtrace or qlog file (any file is dumped), or - for stdin')
    .option('--offset <n>', 'start at this byte offset', nonNegativeInt, 0)
    .option('--length <n>', 'dump this many bytes (default: to the end)', nonNegativeInt)
    .addHelpText(
      'after',
      `
An --offset at or past the end of the file is an error (OUT_OF_RANGE, exit 2).
${examples('xtrace hexdump recording.ss --length 256', 'xtrace hexdump trace.moqtrace --offset 16 --length 128 | less -R')}`,
    )
    .action((file: string, options: HexdumpOptions) => hexdump(ctx, file, options));
}
