import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
