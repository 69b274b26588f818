/**
 * `xtrace cat` for `.moqtrace` files: NDJSON records, the canonical event rendering (`--format events`),
 * a JSON array, a table or a log, with type/direction/time filters.
 *
 * @module
 */
import {
  EVENT_FIELDS,
  EVENT_TYPE_IDS,
  eventTimeMs,
  type KnownEventTypeName,
  type TraceEvent,
  type TraceHeader,
  type TraceProblem,
} from '@x/moqtrace';
import { controlMessageName, draftFromProtocol } from '@x/moqtrace/analysis';
import {
  type JsonValue,
  type RenderOptions,
  renderEndRecord,
  renderErrorRecord,
  renderEvent,
  renderEventJson,
  renderEventRecord,
  renderEventRecordJson,
  renderHeaderRecord,
} from '@x/moqtrace/ndjson';
import { EXIT_DATA, XtraceError } from '../errors.js';
import type { Input } from '../input.js';
import type { Context } from '../io.js';
import { parseMoqtrace } from '../moq-source.js';
import { toBase64 } from '../output/json.js';
import { createProgress } from '../output/progress.js';
import { oneLineCell, StreamTable } from '../output/table.js';
import { parseTimeBound, type TimeBound } from '../time.js';
import type { CatFormat, CatOptions } from './types.js';

interface MoqFilter {
  type: string | number | undefined;
  direction: 0 | 1 | undefined;
  from: TimeBound | undefined;
  to: TimeBound | undefined;
}

function moqFilter(options: CatOptions): MoqFilter {
  if (options.stream !== undefined) throw new XtraceError('USAGE', '--stream applies to .ss files only');
  if (options.shard !== undefined) throw new XtraceError('USAGE', '--shard applies to .ss files only');
  if (options.beacons) throw new XtraceError('USAGE', '--beacons applies to .ss files only');
  let type: string | number | undefined;
  if (options.type !== undefined) {
    if (/^\d+$/.test(options.type)) type = Number(options.type);
    else if (options.type in EVENT_TYPE_IDS || options.type === 'unknown') type = options.type;
    else {
      throw new XtraceError(
        'USAGE',
        `--type: unknown event type "${options.type}" (one of ${Object.keys(EVENT_TYPE_IDS).join(', ')}, unknown, or a number)`,
      );
    }
  }
  return {
    type,
    direction: options.direction === undefined ? undefined : options.direction === 'tx' ? 0 : 1,
    from: options.from === undefined ? undefined : parseTimeBound(options.from, '--from'),
    to: options.to === undefined ? undefined : parseTimeBound(options.to, '--to'),
  };
}

function typeNumber(event: TraceEvent): number | bigint {
  return event.type === 'unknown' ? event.eventType : EVENT_TYPE_IDS[event.type as KnownEventTypeName];
}

function timeValue(bound: TimeBound, header: TraceHeader | undefined, event: TraceEvent): [number, number] {
  if (bound.kind === 'number') return [Number(event.timestamp), bound.value];
  return [header ? eventTimeMs(header, event) : Number(event.timestamp) / 1000, bound.ms];
}

function matches(f: MoqFilter, event: TraceEvent, header: TraceHeader | undefined): boolean {
  if (f.type !== undefined) {
    if (typeof f.type === 'number' ? Number(typeNumber(event)) !== f.type : event.type !== f.type) return false;
  }
  if (f.direction !== undefined) {
    const d = (event as { direction?: unknown }).direction;
    if (d === undefined || Number(d) !== f.direction) return false;
  }
  if (f.from) {
    const [v, b] = timeValue(f.from, header, event);
    if (v < b) return false;
  }
  if (f.to) {
    const [v, b] = timeValue(f.to, header, event);
    if (v > b) return false;
  }
  return true;
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Applies `--payload`/`--bytes` to a rendered event (typed byte fields are hex in the canonical rendering). */
function recodeBytes(event: TraceEvent, rendered: { [key: string]: JsonValue }, options: CatOptions): void {
  if (event.type === 'unknown') return;
  const specs = EVENT_FIELDS[EVENT_TYPE_IDS[event.type as KnownEventTypeName]] ?? [];
  for (const spec of specs) {
    const value = rendered[spec.name];
    if (value === undefined) continue;
    if (spec.name === 'payload' && options.payload !== 'auto' && options.payload !== 'hex') {
      if (options.payload === 'none') delete rendered.payload;
      else if (typeof value === 'string') {
        const bytes = Buffer.from(value, 'hex');
        rendered.payload = options.payload === 'base64' ? toBase64(bytes) : textDecoder.decode(bytes);
      }
      continue;
    }
    if (options.bytes !== 'base64') continue;
    if (spec.kind === 'bytes' && typeof value === 'string') rendered[spec.name] = toBase64(Buffer.from(value, 'hex'));
    if (spec.kind === 'bytesList' && Array.isArray(value)) {
      rendered[spec.name] = value.map((v) => (typeof v === 'string' ? toBase64(Buffer.from(v, 'hex')) : v));
    }
  }
}

/** A short description of an event for table and log output. */
export function eventSummary(event: TraceEvent, draft: number | undefined): string {
  const rendered = renderEvent(event);
  delete rendered.type;
  delete rendered.seq;
  delete rendered.timestamp;
  delete rendered.peer;
  let prefix = '';
  if (event.type === 'control') {
    prefix = `${controlMessageName(event, draft)} `;
    delete rendered.direction;
    delete rendered.messageType;
  }
  return oneLineCell(prefix + JSON.stringify(rendered));
}

function directionText(event: TraceEvent): string {
  const d = (event as { direction?: unknown }).direction;
  if (d === undefined) return '';
  if (event.type === 'control') return Number(d) === 0 ? 'tx' : Number(d) === 1 ? 'rx' : String(d);
  return Number(d) === 0 ? 'out' : Number(d) === 1 ? 'in' : String(d);
}

/** Prints the records of a `.moqtrace` file. */
export async function catMoqtrace(ctx: Context, input: Input, options: CatOptions, format: CatFormat): Promise<void> {
  if (format === 'ss-decode-log' || format === 'ss-decode-ndjson') {
    throw new XtraceError('USAGE', `--format ${format} applies to .ss files only`);
  }
  const filter = moqFilter(options);
  const out = ctx.out;
  const c = ctx.colors;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  // --payload none is a rendering option of the library's direct writer; base64/text need the object path
  const recodes =
    (options.payload !== 'auto' && options.payload !== 'hex' && options.payload !== 'none') || options.bytes !== 'hex';
  const renderOptions: RenderOptions | undefined = options.payload === 'none' ? { omitPayload: true } : undefined;
  const headers: TraceHeader[] = [];
  const drafts: (number | undefined)[] = [];
  let printed = 0;
  let count = 0;
  const json = format === 'json';
  const emit = (line: string): void => {
    if (json) out.append(count++ === 0 ? `[\n  ${line}` : `,\n  ${line}`);
    else out.append(`${line}\n`);
  };
  const table = new StreamTable(
    [
      { title: 'OFFSET', right: true, width: 9 },
      { title: 'SEG', right: true, width: 3 },
      { title: 'SEQ', right: true, width: 7 },
      { title: 'TIME µs', right: true, width: 12 },
      { title: 'TYPE', width: 23 },
      { title: 'DIR', width: 3 },
      { title: 'DETAILS' },
    ],
    c.dim,
  );
  const problems: TraceProblem[] = [];
  const reportProblem = (p: TraceProblem): void => {
    problems.push(p);
    ctx.reportLine(p.code, p.message, p.offset, input.name, p.severity === 'error' ? EXIT_DATA : 0);
    if (format === 'ndjson' || json) emit(JSON.stringify(renderErrorRecord(p)));
  };
  const progress = createProgress(ctx, input.size, 'cat');
  let result: Awaited<ReturnType<typeof parseMoqtrace>>;
  try {
    result = await parseMoqtrace(
      ctx,
      input,
      {
        segment(segment) {
          headers[segment.index] = segment.header;
          drafts[segment.index] = draftFromProtocol(segment.header.protocol);
          if (format === 'ndjson' || json) emit(JSON.stringify(renderHeaderRecord(segment)));
          else if (format === 'table' || format === 'log') {
            const h = segment.header;
            out.append(
              c.dim(
                `# ${input.name}: .moqtrace v${segment.version} segment ${segment.index} at ${segment.offset}: ${h.protocol}, ${h.perspective}, ${h.detail}, start ${new Date(h.startTime).toISOString()}\n`,
              ) + (format === 'table' && segment.index === 0 ? table.header() : ''),
            );
          }
        },
        event(event, offset, segment) {
          if (printed >= limit) return;
          if (!matches(filter, event, headers[segment])) return;
          printed++;
          switch (format) {
            case 'events':
              out.append(`${renderEventJson(event)}\n`);
              break;
            case 'table':
              out.append(
                table.row([
                  c.dim(String(offset)),
                  String(segment),
                  String(event.seq),
                  String(event.timestamp),
                  c.cyan(event.type === 'unknown' ? `unknown(${event.eventType})` : event.type),
                  directionText(event),
                  eventSummary(event, drafts[segment]).slice(0, 160),
                ]),
              );
              break;
            case 'log': {
              const t = (Number(event.timestamp) / 1000).toFixed(3);
              out.append(
                `${c.dim(`+${t}ms`)} ${c.dim(`[${segment}:${event.seq}]`)} ${c.cyan(event.type)} ${directionText(event)} ${eventSummary(event, drafts[segment])}\n`,
              );
              break;
            }
            default: {
              if (!recodes) {
                emit(renderEventRecordJson(event, offset, segment, renderOptions));
              } else {
                const record = renderEventRecord(event, offset, segment, renderOptions);
                recodeBytes(event, record, options);
                emit(JSON.stringify(record));
              }
            }
          }
        },
        problem: reportProblem,
      },
      {
        follow: options.follow === true,
        afterChunk: async (position) => {
          progress.update(position);
          await out.settle();
          return printed >= limit;
        },
      },
    );
  } finally {
    progress.stop();
  }
  await out.settle();
  // Counts only for a read that reached its end (not stopped by --limit, nor a removed file).
  const end = result.stoppedBy === 'end' || result.stoppedBy === 'interrupt' ? result.end : undefined;
  const state = end
    ? end.state === 'truncated'
      ? 'truncated'
      : 'eof'
    : result.stoppedBy === 'removed'
      ? 'removed'
      : 'eof';
  if (result.stoppedBy === 'removed') {
    ctx.reportLine(
      'FILE_REMOVED',
      'the file was removed or replaced while following it',
      undefined,
      input.name,
      EXIT_DATA,
    );
  }
  if (format === 'ndjson' || json) {
    emit(JSON.stringify(renderEndRecord({ ...result.end, state })));
    if (json) out.append('\n]\n');
  } else if (format === 'table' || format === 'log') {
    out.append(
      c.dim(
        `# end: ${state}${end ? ` at offset ${end.offset}, ${end.events} events, ${end.segments} segments` : ''}\n`,
      ),
    );
  }
  if (json && count === 0) out.append('[]\n');
  await out.settle();
}
