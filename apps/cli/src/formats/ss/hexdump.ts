/**
 * `hexdump` regions of a `.ss` file: header fields, frame fields (split where beacons splice them), beacons.
 *
 * @module
 */
import { formatIsoTimestamp, openSeaStreamerReader, type SeaStreamerMessage } from '@x/seastreamer-file';
import type { Problem, Region } from '../types.js';
import { truncationProblem } from './read.js';

const encoder = new TextEncoder();

function messageRegions(m: SeaStreamerMessage, index: number, beaconSizes: Map<number, number>): Region[] {
  const regions: Region[] = [];
  const key = encoder.encode(m.streamKey).length;
  const p = m.payload.length;
  const name = `message #${index} ${m.streamKey}/${m.shardId} seq ${m.seqNo}`;
  const spliced = m.splicedBy.length;
  const fields: [number, string, Region['kind']][] = [
    [
      1 + key,
      `${name}: key ${JSON.stringify(m.streamKey)} (frame ${m.frameSize} bytes${spliced ? `, spliced by ${spliced} beacon${spliced === 1 ? '' : 's'}` : ''})`,
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
      const beacon = beaconSizes.get(pos);
      if (beacon !== undefined && pos !== m.offset) pos += beacon;
      let chunk = left;
      for (const b of m.splicedBy) if (b > pos && b < pos + chunk) chunk = b - pos;
      regions.push({ start: pos, end: pos + chunk, label: part++ === 0 ? label : `${label} (after splice)`, kind });
      pos += chunk;
      left -= chunk;
    }
  }
  return regions;
}

/** The annotated regions of `.ss` bytes overlapping `[from, to)`. */
export async function ssRegions(
  bytes: Uint8Array,
  from: number,
  to: number,
  onProblem: (problem: Problem) => void,
): Promise<Region[]> {
  const reader = await openSeaStreamerReader(bytes, {
    verifyRunningChecksums: false,
    lenientUtf8: true,
    beacons: true,
    onProblem: (p) => onProblem({ code: p.code, severity: p.severity, offset: p.offset, message: p.message }),
  });
  const h = reader.header;
  const n = bytes[3] ?? 0;
  const regions: Region[] = [
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
  ];
  const beaconSizes = new Map<number, number>();
  const messages: [SeaStreamerMessage, number][] = [];
  let index = 0;
  try {
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      for (const item of batch) {
        if (item.kind === 'beacon') {
          beaconSizes.set(item.offset, item.size);
          if (item.offset + item.size <= from || item.offset >= to) continue;
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
          const i = index++;
          if (item.endOffset > from && item.offset < to) messages.push([item, i]);
        }
      }
    }
  } finally {
    await reader.close();
  }
  const end = reader.end;
  if (end?.state === 'truncated') onProblem(truncationProblem(end));
  for (const [m, i] of messages) regions.push(...messageRegions(m, i, beaconSizes));
  return regions;
}
