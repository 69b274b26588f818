import { useMemo } from 'preact/hooks';
import { dirArrow, fmtId, fmtUs, typeName } from '../format.js';
import type { FileSession } from '../state/session.js';
import { eventSummary } from '../state/trace-filter.js';
import { type TableColumn, VirtualTable } from './virtual-table.js';

export interface EventTableProps {
  session: FileSession;
  index: Int32Array | null;
  selectedRow: number;
  onSelect(row: number): void;
}

/** The event list: seq, relative time, type, direction, message name, stream, group/object, size, summary. */
export function EventTable({ session, index, selectedRow, onSelect }: EventTableProps) {
  const t = session.trace;
  // Stable between renders for the same rows, so that a selection change re-renders two rows, not all of them.
  const [columns, rowClass] = useMemo(() => makeColumns(session, index), [session, index]);
  const rowCount = index ? index.length : t.length;
  return (
    <VirtualTable
      className="events"
      testId="event-table"
      rowCount={rowCount}
      columns={columns}
      selected={selectedRow}
      onSelect={onSelect}
      version={session.rowsVersion}
      rowClass={rowClass}
      emptyText={session.done ? 'No events match the filters' : 'Loading…'}
    />
  );
}

function makeColumns(session: FileSession, index: Int32Array | null): [TableColumn[], (row: number) => string] {
  const t = session.trace;
  const ev = (row: number) => (index ? (index[row] as number) : row);
  const columns: TableColumn[] = [
    { key: 'seq', label: 'seq', className: 'c-seq num', render: (r) => String(t.seq.data[ev(r)]) },
    {
      key: 'time',
      label: 'time (s)',
      className: 'c-time num',
      title: 'Seconds since the start of the trace',
      render: (r) => fmtUs(t.time.data[ev(r)] as number),
    },
    {
      key: 'type',
      label: 'type',
      className: 'c-type',
      tooltip: true,
      render: (r) => typeName(t.type.data[ev(r)] as number),
    },
    { key: 'dir', label: '', className: 'c-dir', render: (r) => dirArrow(t.dir.data[ev(r)] as number) },
    {
      key: 'name',
      label: 'message',
      className: 'c-name',
      tooltip: true,
      render: (r) => session.str(t.name.data[ev(r)] as number),
    },
    { key: 'sid', label: 'stream', className: 'c-sid num', render: (r) => fmtId(t.sid.data[ev(r)] as number) },
    {
      key: 'go',
      label: 'group/obj',
      className: 'c-go num',
      render: (r) => {
        const i = ev(r);
        const g = t.group.data[i] as number;
        const o = t.object.data[i] as number;
        return Number.isNaN(g) ? '' : Number.isNaN(o) ? String(g) : `${g}/${o}`;
      },
    },
    { key: 'size', label: 'size', className: 'c-size num', render: (r) => fmtId(t.size.data[ev(r)] as number) },
    {
      key: 'summary',
      label: 'summary',
      className: 'c-summary',
      tooltip: true,
      render: (r) => eventSummary(session, ev(r)),
    },
  ];
  const rowClass = (r: number) => {
    const type = t.type.data[ev(r)] as number;
    return type === 6 ? 'row-error' : type === 7 ? 'row-note' : type === 0 ? 'row-control' : '';
  };
  return [columns, rowClass];
}
