import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@x/moqtrace';
import fc from 'fast-check';
import type { AnalyticsDatabase, QueryValue } from '../src/node/index.js';

/** A temporary folder, removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'x-analytics-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs SQL and returns the rows as objects, bigints turned into numbers when `numbers` is set. */
export async function rows(
  db: AnalyticsDatabase,
  sql: string,
  numbers = false,
): Promise<Record<string, QueryValue | number>[]> {
  const result = await db.query(sql);
  const out: Record<string, QueryValue | number>[] = [];
  for await (const batch of result.batches()) {
    for (const row of batch) {
      out.push(
        Object.fromEntries(
          result.columns.map((c, i) => {
            const v = row[i] as QueryValue;
            return [c.name, numbers && typeof v === 'bigint' ? Number(v) : v];
          }),
        ),
      );
    }
  }
  return out;
}

/**
 * Arbitrary trace events around the forms the byte writers take (object headers and payloads, stream closes) and an
 * annotation, with numbers from `integer` and ids from `id`; `peer`, `extra` and payload bytes are rare (absent
 * `absentWeight` times as often as present: the byte paths need them absent). Pass the result through
 * {@link plainEvent}.
 */
export function eventArbitraries(
  integer: fc.Arbitrary<unknown>,
  id: fc.Arbitrary<unknown>,
  absentWeight: number,
): {
  rarely: <T>(arbitrary: fc.Arbitrary<T>) => fc.Arbitrary<T | undefined>;
  common: Record<string, fc.Arbitrary<unknown>>;
  forms: fc.Arbitrary<Record<string, unknown>>[];
} {
  const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: absentWeight }, { arbitrary, weight: 1 });
  const common = {
    seq: integer,
    timestamp: integer,
    peer: rarely(fc.string({ maxLength: 5 })),
    extra: rarely(fc.dictionary(fc.string({ maxLength: 3 }), fc.nat(), { maxKeys: 2 })),
  };
  const object = { ...common, streamId: id, groupId: id, objectId: id };
  const forms = [
    fc.record({
      type: fc.constant('object-header'),
      ...object,
      publisherPriority: integer,
      objectStatus: integer,
    }),
    fc.record({
      type: fc.constant('object-payload'),
      ...object,
      size: integer,
      payload: rarely(fc.uint8Array({ maxLength: 6 })),
    }),
    fc.record({ type: fc.constant('stream-closed'), ...common, streamId: id, errorCode: integer }),
    fc.record({ type: fc.constant('annotation'), ...common, label: fc.string({ maxLength: 8 }) }),
  ];
  return { rarely, common, forms };
}

/** A generated event without its `undefined` members. */
export const plainEvent = (event: Record<string, unknown>): TraceEvent =>
  Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as unknown as TraceEvent;
