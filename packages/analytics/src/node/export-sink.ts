/**
 * The row sink of an export: one row writer and one spool per table, and the `events` rows of the frequent events
 * written straight from the events (see scan/event-row.ts).
 *
 * @internal
 * @module
 */
import type { TraceEvent } from '@x/moqtrace';
import { DEFERRED_JSON } from '../event-json.js';
import { createRowWriter, type RowWriter } from '../load-buffer.js';
import { EVENT_ROWS, type EventRows, type EventRowsSink, EventRowWriter } from '../scan/event-row.js';
import type { NeededInputs, TableRowSink } from '../scan/sink.js';
import { TABLES } from '../tables/index.js';
import type { LoadValue, TableName } from '../tables/types.js';
import type { Spool } from './spool.js';

/** One table of an export: its encoder and where its rows go. */
interface Slot {
  readonly write: RowWriter;
  spool: Spool | undefined;
  rows: number;
  /** Rows are only counted, not written (no input of the table is needed). */
  readonly countOnly: boolean;
  /** Indices of the inputs that are not needed: written as NULL. */
  readonly drop: readonly number[];
}

/** An export's {@link EventRows}: the rows of one file written straight into the `events` spool. */
class SpoolEventRows implements EventRows {
  private readonly writer: EventRowWriter;

  constructor(
    private readonly slot: Slot,
    file: string,
    date: string | null,
  ) {
    this.writer = new EventRowWriter(file, date);
  }

  add(segment: number, offset: number, startTime: number, event: TraceEvent): boolean {
    const spool = this.slot.spool as Spool;
    const start = spool.buffer.length;
    if (!this.writer.write(spool.buffer, segment, offset, startTime, event)) return false;
    spool.added(start);
    this.slot.rows++;
    return true;
  }
}

/** The row sink of an export: one row writer and one spool per table. */
export class ExportSink implements TableRowSink, EventRowsSink {
  private readonly slots: Record<string, Slot> = {};
  /** The row writers render the `fields` JSON of events straight into bytes. */
  readonly [DEFERRED_JSON] = true;

  constructor(base64: (bytes: Uint8Array) => string, needed?: NeededInputs) {
    for (const table of TABLES) {
      const inputs = needed?.get(table.name);
      const drop = inputs === undefined ? [] : table.inputs.flatMap((input, i) => (inputs.has(input.name) ? [] : [i]));
      this.slots[table.name] = {
        write: createRowWriter(table, base64),
        spool: undefined,
        rows: 0,
        countOnly: needed !== undefined && (inputs === undefined || inputs.size === 0),
        drop,
      };
    }
  }

  [EVENT_ROWS](file: string, date: string | null): EventRows | undefined {
    const slot = this.slots.events as Slot;
    // Only rows with every input: a consumer that needs fewer gets its NULLs from `add`.
    return slot.countOnly || slot.drop.length > 0 ? undefined : new SpoolEventRows(slot, file, date);
  }

  spool(table: TableName): Spool {
    return (this.slots[table] as Slot).spool as Spool;
  }

  setSpool(table: TableName, spool: Spool): void {
    (this.slots[table] as Slot).spool = spool;
  }

  rows(table: TableName): number {
    return (this.slots[table] as Slot).rows;
  }

  spools(): Spool[] {
    return Object.values(this.slots).flatMap((slot) => (slot.spool ? [slot.spool] : []));
  }

  add(table: TableName, row: LoadValue[]): void {
    const slot = this.slots[table] as Slot;
    slot.rows++;
    if (slot.countOnly) return;
    for (const i of slot.drop) row[i] = null;
    (slot.spool as Spool).add(slot.write, row);
  }

  async flush(): Promise<void> {
    for (const table of TABLES) await (this.slots[table.name] as Slot).spool?.drain();
  }
}

/** Base64 with Node's `Buffer`. */
export const nodeBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
