/**
 * Worker of the SQL tab: scans one recording with `@x/analytics` (the scanners `xtrace export` uses) and posts its
 * rows back in batches, one batch per table at a time, as text in the load format that DuckDB reads with the
 * tables' load query.
 */
import { createRowEncoder, type LoadValue, type RowEncoder, scanRecording, TABLES, type TableName } from '@x/analytics';
import type { FromTablesWorker, ToTablesWorker } from './protocol.js';

const BATCH = 1 << 20;

self.onmessage = async (event: MessageEvent<ToTablesWorker>) => {
  const { file, name } = event.data;
  const post = (message: FromTablesWorker) => (self as unknown as Worker).postMessage(message);
  const encoders = new Map<TableName, RowEncoder>(TABLES.map((t) => [t.name, createRowEncoder(t)]));
  const texts = new Map<TableName, string>();
  const rows = new Map<TableName, number>();
  const send = (table: TableName) => {
    const text = texts.get(table);
    if (text) post({ kind: 'batch', table, text, rows: rows.get(table) ?? 0 });
    texts.set(table, '');
    rows.set(table, 0);
  };
  try {
    const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
    const summary = await scanRecording(file, head, {
      file: name,
      size: file.size,
      sink: {
        add(table: TableName, row: LoadValue[]) {
          texts.set(table, (texts.get(table) ?? '') + (encoders.get(table) as RowEncoder).encode(row));
          rows.set(table, (rows.get(table) ?? 0) + 1);
        },
        flush() {
          for (const [table, text] of texts) if (text.length >= BATCH) send(table);
        },
      },
    });
    for (const table of texts.keys()) send(table);
    post({ kind: 'done', records: summary.records, errors: summary.errors });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};
