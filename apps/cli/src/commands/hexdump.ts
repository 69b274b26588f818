/**
 * `xtrace hexdump FILE [--offset N] [--length N]`: a hex dump annotated with the structure: for `.ss` the
 * header fields, frame fields, beacons and splices; for `.moqtrace` the preamble, header map and events.
 *
 * @module
 */

import { asciiChar } from '@x/binary';
import type { SeaStreamerBeacon, SeaStreamerMessage } from '@x/seastreamer-file';
import { formatIsoTimestamp } from '@x/seastreamer-file';
import { type Input, openInput, readInputBytes } from '../input.js';
import type { Context } from '../io.js';
import { openSsReader } from '../ss-source.js';
import type { Region } from './types.js';

export type { Region } from './types.js';

/** Options of `hexdump`. */
export interface HexdumpOptions {
  offset: number;
  length?: number;
}

/** Runs `xtrace hexdump`. */
export async function hexdump(ctx: Context, file: string, options: HexdumpOptions): Promise<void> {
  const input = await openInput(ctx.io, file);
  ctx.currentFile = input.name;
  const bytes = await readInputBytes(input);
  const from = Math.min(options.offset, bytes.length);
  const to = options.length === undefined ? bytes.length : Math.min(bytes.length, from + options.length);
  const regions =
    input.format === 'ss'
      ? await ssRegions(input, bytes)
      : await (await import('./moqtrace-commands.js')).moqtraceRegions(ctx, input, bytes);
  await printRegions(ctx, bytes, fillGaps(regions, bytes.length), from, to);
}

function fillGaps(regions: Region[], size: number): Region[] {
  regions.sort((a, b) => a.start - b.start);
  const out: Region[] = [];
  let pos = 0;
  for (const r of regions) {
    if (r.start > pos) out.push({ start: pos, end: r.start, label: 'unparsed bytes', kind: 'tail' });
    if (r.end > r.start) out.push(r);
    pos = Math.max(pos, r.end);
  }
  if (pos < size) out.push({ start: pos, end: size, label: 'trailing bytes (incomplete item)', kind: 'tail' });
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
    for (let row = start; row < end; row += 16) {
      const rowEnd = Math.min(end, row + 16);
      let hex = '';
      let ascii = '';
      for (let i = row; i < rowEnd; i++) {
        hex += `${bytes[i]!.toString(16).padStart(2, '0')} `;
        ascii += asciiChar(bytes[i]!);
      }
      const label = first ? (r.start < start ? `${r.label} (continued)` : r.label) : '';
      first = false;
      const line = `${c.dim(row.toString(16).padStart(width, '0'))}  ${paint[r.kind](hex.padEnd(48))} ${c.dim('|')}${ascii.padEnd(16)}${c.dim('|')}${label ? `  ${paint[r.kind](label)}` : ''}`;
      const w = ctx.out.write(`${line.trimEnd()}\n`);
      if (w) await w;
    }
  }
}

async function ssRegions(input: Input, bytes: Uint8Array): Promise<Region[]> {
  const regions: Region[] = [];
  const reader = await openSsReader(
    { ...input, bytes },
    { verifyRunningChecksums: false, lenientUtf8: true, beacons: true },
  );
  const h = reader.header;
  const n = bytes[3] ?? 0;
  regions.push(
    { start: 0, end: 2, label: 'header: magic "Ss"', kind: 'header' },
    { start: 2, end: 3, label: 'header: version 1', kind: 'header' },
    { start: 3, end: 4, label: `header: file name length ${n}`, kind: 'header' },
    { start: 4, end: 4 + n, label: `header: file name ${JSON.stringify(h.fileName)}`, kind: 'header' },
    {
      start: 4 + n,
      end: 12 + n,
      label: `header: created at ${formatIsoTimestamp(h.createdAt)} (${h.createdAt} ms)`,
      kind: 'header',
    },
    { start: 12 + n, end: 16 + n, label: `header: beacon interval ${h.beaconInterval}`, kind: 'header' },
    { start: 16 + n, end: 128, label: `header: padding${h.paddingOk ? '' : ' (not zeros + 0x0D)'}`, kind: 'header' },
  );
  const messages: SeaStreamerMessage[] = [];
  const beacons = new Map<number, SeaStreamerBeacon>();
  let index = 0;
  for (;;) {
    const batch = await reader.nextBatch();
    if (batch === null) break;
    for (const item of batch) {
      if (item.kind === 'beacon') {
        beacons.set(item.offset, item);
        const markers = item.markers
          .map((k) => `${k.streamKey}/${k.shardId} seq≤${k.seqNo} crc ${k.runningChecksum}`)
          .join(', ');
        regions.push({
          start: item.offset,
          end: item.offset + item.size,
          label: `beacon #${item.index}: R=${item.remainingMessageBytes}, ${item.markers.length} marker${item.markers.length === 1 ? '' : 's'}${markers ? ` (${markers})` : ''}`,
          kind: 'beacon',
        });
      } else {
        messages.push(item);
      }
    }
  }
  await reader.close();
  for (const m of messages) {
    const key = new TextEncoder().encode(m.streamKey).length;
    const p = m.payload.length;
    const name = `message #${index++} ${m.streamKey}/${m.shardId} seq ${m.seqNo}`;
    const fields: [number, string, Region['kind']][] = [
      [
        1 + key,
        `${name}: key ${JSON.stringify(m.streamKey)} (frame ${m.frameSize} bytes${m.splicedBy.length ? `, spliced by ${m.splicedBy.length} beacon${m.splicedBy.length === 1 ? '' : 's'}` : ''})`,
        'frame',
      ],
      [8, `${name}: shard ${m.shardId}`, 'frame'],
      [8, `${name}: seq ${m.seqNo}`, 'frame'],
      [8, `${name}: timestamp ${formatIsoTimestamp(m.timestamp)}`, 'frame'],
      [4, `${name}: payload size ${p}`, 'frame'],
      [p, `${name}: payload${m.isEos ? ' (EOS)' : ''}`, 'payload'],
      [
        2,
        `${name}: checksum 0x${m.checksum.toString(16).padStart(4, '0')}${m.checksumOk === false ? ' (MISMATCH)' : ''}`,
        'frame',
      ],
      [1, `${name}: terminator`, 'frame'],
    ];
    let pos = m.offset;
    for (const [length, label, kind] of fields) {
      let left = length;
      let part = 0;
      while (left > 0) {
        const beacon = beacons.get(pos);
        if (beacon && pos !== m.offset) pos += beacon.size;
        let chunk = left;
        for (const b of m.splicedBy) if (b > pos && b < pos + chunk) chunk = b - pos;
        regions.push({ start: pos, end: pos + chunk, label: part++ === 0 ? label : `${label} (after splice)`, kind });
        pos += chunk;
        left -= chunk;
      }
    }
  }
  return regions;
}
