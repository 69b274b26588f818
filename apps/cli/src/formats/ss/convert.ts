/**
 * `convert` of a `.ss` file: to NDJSON records (the record contract, every message with its payload in full)
 * or to `.ss` again (another beacon interval, or stdout), streaming. A file written by more than one writer
 * session is flagged: its records convert back to the same messages, not to the same bytes.
 *
 * @module
 */
import { createSeaStreamerWriter, type SeaStreamerWriter } from '@x/seastreamer-file';
import {
  formatEndRecord,
  formatHeaderRecord,
  formatMessageRecord,
  formatProblemRecord,
} from '@x/seastreamer-file/ndjson';
import type { Context, Problem } from '../../context.js';
import { usage } from '../../errors.js';
import type { TraceInput } from '../../input/input.js';
import { dataError, NDJSON_PARTIAL_MARKER, withOutput } from '../convert-common.js';
import { resolvePayloadMode } from '../payload.js';
import { ProblemQueue } from '../problem-queue.js';
import type { ConvertTarget } from '../types.js';
import { openSsReading } from './read.js';

/** Bytes that start a frame and end at once: a reader reports the file as truncated there. */
export const SS_PARTIAL_MARKER = new Uint8Array([0x0e, 0x78, 0x74, 0x72, 0x61, 0x63, 0x65]);

/** Warns once when running checksums restart (an append: more than one writer session). */
function sessionWatch(ctx: Context, input: TraceInput, target: ConvertTarget): (problem: Problem) => void {
  let warned = false;
  return (problem) => {
    if (problem.code === 'RUNNING_CHECKSUM_MISMATCH') {
      if (warned) return;
      warned = true;
      ctx.warn(
        'MULTIPLE_SESSIONS',
        `running checksums restart at offset ${problem.offset}: the file was written by more than one writer session (an append), so ${target.format === 'ndjson' ? 'these records convert back to' : 'the output holds'} the same messages, not the same bytes`,
        input.name,
      );
      return;
    }
    ctx.problem(problem, input.name);
  };
}

/** Converts a `.ss` input to NDJSON or `.ss`. */
export async function convertSs(ctx: Context, input: TraceInput, target: ConvertTarget): Promise<void> {
  if (target.format !== 'ndjson' && target.format !== 'ss') {
    throw usage(`a .ss file converts to ndjson or ss (another --interval), not ${target.format}`);
  }
  const problems = new ProblemQueue();
  const onProblem = sessionWatch(ctx, input, target);
  const reading = await openSsReading(ctx, input, {
    structure: false,
    onProblem: (p) => {
      onProblem(p);
      problems.push(p);
    },
  });
  try {
    if (target.format === 'ndjson') {
      await withOutput(
        ctx,
        target,
        () => NDJSON_PARTIAL_MARKER,
        async (out) => {
          let w = out.write(`${formatHeaderRecord(reading.header)}\n`);
          if (w) await w;
          for (let batch = await reading.nextBatch(); batch !== null; batch = await reading.nextBatch()) {
            for (const m of batch) {
              if (m.kind !== 'message') continue;
              for (let p = problems.takeBefore(m.offset, true); p; p = problems.takeBefore(m.offset, true)) {
                w = out.write(`${formatProblemRecord(p)}\n`);
                if (w) await w;
              }
              w = out.write(`${formatMessageRecord(m, resolvePayloadMode(m.payload, 'auto'))}\n`);
              if (w) await w;
            }
          }
          for (const p of problems.takeAll()) out.write(`${formatProblemRecord(p)}\n`);
          const o = reading.outcome();
          w = out.write(`${formatEndRecord({ state: o.state as 'eof', offset: o.offset })}\n`);
          if (w) await w;
        },
      );
      return;
    }
    const h = reading.header;
    await withOutput(
      ctx,
      target,
      () => SS_PARTIAL_MARKER,
      async (out) => {
        let writer: SeaStreamerWriter;
        try {
          writer = createSeaStreamerWriter(out.sink, {
            fileName: h.fileName,
            createdAt: h.createdAt,
            beaconInterval: target.interval ?? h.beaconInterval,
            allowEmptyStreamKey: true,
            allowReservedStreamKeys: true,
          });
        } catch (error) {
          throw dataError(error, input.name);
        }
        try {
          for (let batch = await reading.nextBatch(); batch !== null; batch = await reading.nextBatch()) {
            for (const m of batch) {
              if (m.kind !== 'message') continue;
              try {
                writer.write(m);
              } catch (error) {
                throw dataError(error, input.name);
              }
            }
          }
          await writer.close();
        } catch (error) {
          await writer.flush().catch(() => undefined);
          throw error;
        }
      },
    );
  } finally {
    await reading.close();
  }
}
