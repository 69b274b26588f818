import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fmtBytes, fmtDate, fmtInt } from '../format.js';
import type { FileSession } from '../state/session.js';
import { compactParams, type HashParams } from '../state/url.js';
import { useKeyboardNav } from '../state/use-keyboard.js';
import { SS_FLAG } from '../worker/protocol.js';
import { BeaconStrip } from './beacon-strip.js';
import { DetailPane } from './detail-pane.js';
import { type TableColumn, VirtualTable } from './virtual-table.js';

type View = 'messages' | 'streams' | 'strip';

interface SsFilter {
  stream: number;
  text: string;
  problemsOnly: boolean;
}

function filterMessages(session: FileSession, f: SsFilter): Int32Array | null {
  if (f.stream < 0 && !f.text && !f.problemsOnly) return null;
  const s = session.ss;
  const out = new Int32Array(s.length);
  let k = 0;
  const needle = f.text.toLowerCase();
  const cache = new Map<number, boolean>();
  for (let i = 0; i < s.length; i++) {
    if (f.stream >= 0 && s.stream.data[i] !== f.stream) continue;
    if (f.problemsOnly && !((s.flags.data[i] as number) & SS_FLAG.checksum)) continue;
    if (needle) {
      const p = s.preview.data[i] as number;
      let hit = cache.get(p);
      if (hit === undefined) {
        hit = session.str(p).toLowerCase().includes(needle);
        cache.set(p, hit);
      }
      const streamInfo = session.ssStreams[s.stream.data[i] as number];
      if (!hit && !streamInfo?.key.toLowerCase().includes(needle)) continue;
    }
    out[k++] = i;
  }
  return out.slice(0, k);
}

function rowOfIndex(index: Int32Array | null, value: number, total: number): number {
  if (value < 0) return -1;
  if (!index) return value < total ? value : -1;
  let lo = 0;
  let hi = index.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = index[mid] as number;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Longest stream label in a dropdown (the full label is its tooltip). */
const LABEL_CHARS = 40;

/** `key / shard` of a stream, and the same cut to {@link LABEL_CHARS} characters for a dropdown. */
function streamLabel(key: string, shard: string): { full: string; short: string } {
  const full = `${key === '' ? '(empty key)' : key} / ${shard}`;
  return { full, short: full.length > LABEL_CHARS ? `${full.slice(0, LABEL_CHARS - 1)}…` : full };
}

export interface SsViewProps {
  session: FileSession;
  /** Reports the view state (for the URL): `push` when the view (sub-tab) changed, else `replace`. */
  onState(state: HashParams, mode: 'push' | 'replace'): void;
}

/** SeaStreamer .ss views: streams, message table with previews and seek, and the file strip with beacons. */
export function SsView({ session, onState }: SsViewProps) {
  const initial = useRef(session.viewState);
  const [view, setView] = useState<View>(
    initial.current.view === 'streams' || initial.current.view === 'strip' ? initial.current.view : 'messages',
  );
  const [filter, setFilter] = useState<SsFilter>({
    stream: Number(initial.current.stream ?? -1),
    text: initial.current.q ?? '',
    problemsOnly: initial.current.bad === '1',
  });
  const [selected, setSelected] = useState(Number(initial.current.sel ?? -1));
  const [text, setText] = useState(filter.text);
  const searchRef = useRef<HTMLInputElement>(null);
  const [seekStream, setSeekStream] = useState(0);
  const [seekBy, setSeekBy] = useState<'seq' | 'time'>('seq');
  const [seekValue, setSeekValue] = useState('');
  const [seekMessage, setSeekMessage] = useState('');

  useEffect(() => {
    if (text === filter.text) return undefined;
    const timer = setTimeout(() => setFilter({ ...filter, text }), 150);
    return () => clearTimeout(timer);
  }, [text, filter]);
  const index = useMemo(() => filterMessages(session, filter), [session, filter, session.rowsVersion]);
  const s = session.ss;
  const rowCount = index ? index.length : s.length;
  const selectedRow = rowOfIndex(index, selected, s.length);
  // The details show the selected message only while the filters show it.
  const shownMessage = selectedRow >= 0 ? selected : -1;

  // A filter that hides the selected row clears the selection (kept while rows are still arriving).
  useEffect(() => {
    if (session.done && selected >= 0 && shownMessage < 0) setSelected(-1);
  }, [session.done, selected, shownMessage]);

  const lastView = useRef(view);
  useEffect(() => {
    const mode = lastView.current === view ? 'replace' : 'push';
    lastView.current = view;
    onState(
      compactParams({
        view: view === 'messages' ? undefined : view,
        stream: filter.stream >= 0 ? filter.stream : undefined,
        q: filter.text,
        bad: filter.problemsOnly ? 1 : undefined,
        sel: selected >= 0 ? selected : undefined,
      }),
      mode,
    );
  }, [view, filter, selected]);

  const selectRow = (row: number) => {
    const m = index ? (index[row] ?? -1) : row;
    if (m >= 0) setSelected(m);
  };
  useKeyboardNav({
    enabled: view === 'messages',
    move: (delta) => {
      if (rowCount === 0) return;
      selectRow(
        selectedRow < 0 ? (delta > 0 ? 0 : rowCount - 1) : Math.max(0, Math.min(rowCount - 1, selectedRow + delta)),
      );
    },
    search: () => searchRef.current?.focus(),
  });

  const doSeek = async () => {
    setSeekMessage('seeking…');
    const result = await session.seek(seekStream, seekBy, seekValue.trim());
    setSeekMessage(result.message);
    if (result.index >= 0) {
      if (index && rowOfIndex(index, result.index, s.length) < 0)
        setFilter({ stream: -1, text: '', problemsOnly: false });
      setText('');
      setSelected(result.index);
      setView('messages');
    }
  };

  // Stable between renders for the same rows, so that a selection change re-renders two rows, not all of them.
  const [columns, rowClass] = useMemo(() => makeColumns(session, index), [session, index]);

  return (
    <div class="ssview">
      <div class="subtabs" role="tablist">
        {(
          [
            ['messages', 'Messages'],
            ['streams', `Streams (${session.ssStreams.length})`],
            ['strip', 'File strip'],
          ] as const
        ).map(([id, label]) => (
          <button
            type="button"
            key={id}
            role="tab"
            data-testid={`view-${id}`}
            aria-selected={view === id}
            class={view === id ? 'active' : ''}
            onClick={() => setView(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {view === 'messages' ? (
        <div class="events-layout">
          <div class="filterbar" data-testid="filter-bar">
            <input
              ref={searchRef}
              type="search"
              placeholder="Search payloads (press /)"
              data-testid="filter-text"
              value={text}
              onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
            />
            <StreamSelect
              session={session}
              testId="filter-stream"
              label="Stream"
              value={filter.stream}
              all
              onChange={(stream) => setFilter({ ...filter, stream })}
            />
            <label class="inline">
              <input
                type="checkbox"
                data-testid="filter-problems"
                checked={filter.problemsOnly}
                onChange={(e) => setFilter({ ...filter, problemsOnly: (e.currentTarget as HTMLInputElement).checked })}
              />
              checksum problems only
            </label>
            <span class="muted" data-testid="shown-count">
              {rowCount.toLocaleString('en-US')} of {s.length.toLocaleString('en-US')}
            </span>
          </div>
          <div class="filterbar seekbar" data-testid="seek">
            <span>Seek</span>
            <StreamSelect
              session={session}
              testId="seek-stream"
              label="Seek stream"
              value={seekStream}
              onChange={setSeekStream}
            />
            <select
              aria-label="Seek by"
              data-testid="seek-by"
              value={seekBy}
              onChange={(e) => setSeekBy((e.currentTarget as HTMLSelectElement).value as 'seq' | 'time')}
            >
              <option value="seq">seq ≥</option>
              <option value="time">time &gt; (ms or ISO)</option>
            </select>
            <input
              type="text"
              size={16}
              aria-label="Seek to"
              data-testid="seek-value"
              value={seekValue}
              onInput={(e) => setSeekValue((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void doSeek();
              }}
            />
            <button type="button" class="button" data-testid="seek-go" onClick={() => void doSeek()}>
              Go
            </button>
            <span class="muted seek-message" data-testid="seek-message" title={seekMessage}>
              {seekMessage}
            </span>
          </div>
          <div class="split">
            <VirtualTable
              className="ssmessages"
              testId="message-table"
              rowCount={rowCount}
              columns={columns}
              selected={selectedRow}
              onSelect={selectRow}
              version={session.rowsVersion}
              rowClass={rowClass}
              emptyText={session.done ? 'No messages match the filters' : 'Loading…'}
            />
            <DetailPane session={session} event={shownMessage} />
          </div>
        </div>
      ) : null}
      {view === 'streams' ? (
        <SsStreams
          session={session}
          onSelect={(stream) => {
            setFilter({ ...filter, stream });
            setView('messages');
          }}
        />
      ) : null}
      {view === 'strip' ? (
        <BeaconStrip
          session={session}
          onSelect={(m) => {
            setSelected(m);
            setView('messages');
          }}
        />
      ) : null}
    </div>
  );
}

/** A stream dropdown of fixed width: long labels are cut, the full label is the tooltip. */
function StreamSelect(props: {
  session: FileSession;
  testId: string;
  label: string;
  value: number;
  all?: boolean;
  onChange(stream: number): void;
}) {
  const streams = props.session.ssStreams;
  const current = streams[props.value];
  const title = current ? streamLabel(current.key, current.shard).full : props.all ? 'all streams' : '';
  return (
    <select
      class="stream-select"
      aria-label={props.label}
      data-testid={props.testId}
      title={title}
      value={String(props.value)}
      onChange={(e) => props.onChange(Number((e.currentTarget as HTMLSelectElement).value))}
    >
      {props.all ? <option value="-1">all streams</option> : null}
      {streams.map((st, i) => {
        const label = streamLabel(st.key, st.shard);
        return (
          <option key={i} value={String(i)} title={label.full}>
            {label.short}
          </option>
        );
      })}
    </select>
  );
}

function SsStreams({ session, onSelect }: { session: FileSession; onSelect(stream: number): void }) {
  const h = session.ssHeader;
  return (
    <div class="panel">
      {h ? (
        <dl class="fields" data-testid="ss-header">
          <div class="field">
            <dt>file name</dt>
            <dd>{h.fileName}</dd>
          </div>
          <div class="field">
            <dt>created</dt>
            <dd>{fmtDate(h.createdAt)}</dd>
          </div>
          <div class="field">
            <dt>beacon interval</dt>
            <dd>{fmtInt(h.beaconInterval)} bytes</dd>
          </div>
          <div class="field">
            <dt>size</dt>
            <dd>{fmtBytes(h.fileSize)}</dd>
          </div>
          <div class="field">
            <dt>beacons</dt>
            <dd>{fmtInt(session.ss.beaconOffset.length)}</dd>
          </div>
        </dl>
      ) : null}
      <table class="grid" data-testid="ss-streams">
        <thead>
          <tr>
            <th>stream key</th>
            <th class="num">shard</th>
            <th class="num">messages</th>
            <th class="num">bytes</th>
            <th class="num">seq range</th>
            <th>time range</th>
            <th>ended</th>
          </tr>
        </thead>
        <tbody>
          {session.ssStreams.map((st, i) => (
            <tr key={i} class="clickable" onClick={() => onSelect(i)} data-testid="ss-stream-row">
              <td class="c-longtext" title={st.key}>
                {st.key === '' ? '(empty key)' : st.key}
              </td>
              <td class="num">{st.shard}</td>
              <td class="num">{fmtInt(st.count)}</td>
              <td class="num">{fmtBytes(st.bytes)}</td>
              <td class="num">
                {st.minSeq} – {st.maxSeq}
              </td>
              <td>
                {fmtDate(st.minTs)} – {fmtDate(st.maxTs)}
              </td>
              <td>{st.ended ? 'EOS' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function makeColumns(session: FileSession, index: Int32Array | null): [TableColumn[], (row: number) => string] {
  const s = session.ss;
  const msg = (row: number) => (index ? (index[row] as number) : row);
  const columns: TableColumn[] = [
    { key: 'n', label: '#', className: 'c-n num', render: (r) => String(msg(r)) },
    {
      key: 'stream',
      label: 'stream key',
      className: 'c-key',
      tooltip: true,
      render: (r) => session.ssStreams[s.stream.data[msg(r)] as number]?.key ?? '',
    },
    {
      key: 'shard',
      label: 'shard',
      className: 'c-shard num',
      render: (r) => session.ssStreams[s.stream.data[msg(r)] as number]?.shard ?? '',
    },
    { key: 'seq', label: 'seq', className: 'c-seq num', render: (r) => String(s.seq.data[msg(r)]) },
    { key: 'ts', label: 'timestamp', className: 'c-ts', render: (r) => fmtDate(s.ts.data[msg(r)] as number) },
    { key: 'size', label: 'size', className: 'c-size num', render: (r) => String(s.size.data[msg(r)]) },
    {
      key: 'flags',
      label: '',
      className: 'c-flags',
      render: (r) => {
        const f = s.flags.data[msg(r)] as number;
        return `${f & SS_FLAG.checksum ? '✗crc ' : ''}${f & SS_FLAG.spliced ? '✂ ' : ''}${f & SS_FLAG.eos ? 'EOS' : ''}`;
      },
    },
    {
      key: 'preview',
      label: 'payload',
      className: 'c-preview',
      tooltip: true,
      render: (r) => session.str(s.preview.data[msg(r)] as number),
    },
  ];
  const rowClass = (r: number) => {
    const f = s.flags.data[msg(r)] as number;
    return f & SS_FLAG.checksum ? 'row-bad' : f & SS_FLAG.eos ? 'row-note' : '';
  };
  return [columns, rowClass];
}
