/**
 * `hexdump` regions of a `.moqtrace` file: preambles, header maps, events and the problems met.
 *
 * @module
 */
import { readTrace } from '@x/moqtrace';
import type { Problem, Region } from '../types.js';
import { traceProblem } from './read.js';

/** The annotated regions of `.moqtrace` bytes overlapping `[from, to)`. */
export function moqtraceRegions(
  bytes: Uint8Array,
  from: number,
  to: number,
  onProblem: (problem: Problem) => void,
): Region[] {
  const trace = readTrace(bytes, { maxProblems: Number.MAX_SAFE_INTEGER });
  for (const p of trace.problems) onProblem(traceProblem(p));
  const boundaries = new Set<number>([bytes.length, trace.end.offset]);
  for (const s of trace.segments) {
    boundaries.add(s.offset);
    boundaries.add(s.eventsOffset);
    for (const o of s.eventOffsets) boundaries.add(o);
  }
  for (const p of trace.problems) boundaries.add(p.offset);
  const sorted = [...boundaries].sort((a, b) => a - b);
  const nextAfter = (offset: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return sorted[lo] ?? bytes.length;
  };
  const regions: Region[] = [];
  const starts = new Set<number>();
  const push = (r: Region): void => {
    starts.add(r.start);
    if (r.end > from && r.start < to) regions.push(r);
  };
  for (const s of trace.segments) {
    const o = s.offset;
    const h = s.header;
    push({ start: o, end: o + 8, label: `segment ${s.index} preamble: magic "MOQTRACE"`, kind: 'header' });
    push({
      start: o + 8,
      end: o + 12,
      label: `segment ${s.index} preamble: version ${s.version} (u32 LE)`,
      kind: 'header',
    });
    push({
      start: o + 12,
      end: o + 16,
      label: `segment ${s.index} preamble: header length ${s.headerLength} (u32 LE)`,
      kind: 'header',
    });
    push({
      start: o + 16,
      end: s.eventsOffset,
      label: `segment ${s.index} header map: ${h.protocol}, ${h.perspective}, ${h.detail}, startTime ${h.startTime}`,
      kind: 'header',
    });
    s.events.forEach((event, i) => {
      const start = s.eventOffsets[i] as number;
      const name = event.type === 'unknown' ? `unknown(${event.eventType})` : event.type;
      push({
        start,
        end: nextAfter(start),
        label: `event ${s.index}:${event.seq} ${name} t=${event.timestamp}µs`,
        kind: 'event',
      });
    });
  }
  for (const p of trace.problems) {
    if (p.code === 'DUPLICATE_KEY' || p.code === 'SEGMENT_MISMATCH' || starts.has(p.offset)) continue;
    push({ start: p.offset, end: nextAfter(p.offset), label: `${p.code}: ${p.message}`, kind: 'tail' });
  }
  return regions;
}
