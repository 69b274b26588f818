/** Messages between the SQL tab and its tables worker. */
import type { TableName } from '@x/analytics';

/** Scan this recording. */
export interface ToTablesWorker {
  file: Blob;
  /** The `file` column value. */
  name: string;
}

/** A batch of rows of one table (load-format text), the end of the scan, or a failure. */
export type FromTablesWorker =
  | { kind: 'batch'; table: TableName; text: string; rows: number }
  | { kind: 'done'; records: number; errors: number }
  | { kind: 'failed'; message: string };
