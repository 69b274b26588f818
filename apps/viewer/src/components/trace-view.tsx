import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FileSession } from '../state/session.js';
import { EMPTY_FILTER, filterEvents, rowOf, type TraceFilter } from '../state/trace-filter.js';
import { compactParams, type HashParams } from '../state/url.js';
import { useKeyboardNav } from '../state/use-keyboard.js';
import { DetailPane } from './detail-pane.js';
import { EventTable } from './event-table.js';
import { FilterBar } from './filter-bar.js';
import { HeaderPanel } from './header-panel.js';
import { SequenceDiagram } from './sequence-diagram.js';
import { StreamList } from './stream-list.js';
import { Timeline } from './timeline.js';
import { TrackTable } from './track-table.js';

const VIEWS = [
  ['events', 'Events'],
  ['tracks', 'Tracks'],
  ['streams', 'Streams'],
  ['timeline', 'Timeline'],
  ['sequence', 'Sequence'],
  ['header', 'Details'],
] as const;
type View = (typeof VIEWS)[number][0];

function filterOf(h: HashParams): TraceFilter {
  const num = (v: string | undefined) => (v === undefined || v === '' ? Number.NaN : Number(v));
  return {
    ...EMPTY_FILTER,
    types: h.type ? h.type.split(',').map(Number).filter(Number.isInteger) : [],
    dir: h.dir === '0' || h.dir === '1' ? Number(h.dir) : -1,
    sid: num(h.sid),
    text: h.q ?? '',
    from: num(h.from),
    to: num(h.to),
  };
}

export interface TraceViewProps {
  session: FileSession;
  /** Reports the view state (for the URL): `push` when the view (sub-tab) changed, else `replace`. */
  onState(state: HashParams, mode: 'push' | 'replace'): void;
}

/** The views of a trace (a .moqtrace file, or qlog read as .moqtrace events); state from `session.viewState`. */
export function TraceView({ session, onState }: TraceViewProps) {
  const initial = useRef(session.viewState);
  const [view, setView] = useState<View>(
    (VIEWS.find(([v]) => v === initial.current.view)?.[0] as View | undefined) ?? 'events',
  );
  const [filter, setFilter] = useState<TraceFilter>(() => filterOf(initial.current));
  const [track, setTrack] = useState<string>(initial.current.track ?? '');
  const [selected, setSelected] = useState<number>(Number(initial.current.sel ?? -1));
  const searchRef = useRef<HTMLInputElement>(null);

  const trackRow = track ? session.tracks.find((t) => t.key === track) : undefined;
  const effective: TraceFilter = useMemo(
    () =>
      trackRow
        ? {
            ...filter,
            trackStreams: trackRow.streams,
            trackEvents: [trackRow.requestIndex, trackRow.responseIndex].filter((i) => i >= 0),
          }
        : filter,
    [filter, trackRow],
  );
  const index = useMemo(() => filterEvents(session, effective), [session, effective, session.rowsVersion]);
  const rowCount = index ? index.length : session.trace.length;
  const selectedRow = rowOf(index, selected, session.trace.length);
  // The details show the selected event only while the filters show it.
  const shownEvent = selectedRow >= 0 ? selected : -1;

  // A filter that hides the selected row clears the selection (kept while rows are still arriving).
  useEffect(() => {
    if (session.done && selected >= 0 && shownEvent < 0) setSelected(-1);
  }, [session.done, selected, shownEvent]);

  const lastView = useRef(view);
  useEffect(() => {
    const mode = lastView.current === view ? 'replace' : 'push';
    lastView.current = view;
    onState(
      compactParams({
        view: view === 'events' ? undefined : view,
        type: filter.types.join(','),
        dir: filter.dir === -1 ? undefined : filter.dir,
        sid: Number.isNaN(filter.sid) ? undefined : filter.sid,
        q: filter.text,
        from: Number.isNaN(filter.from) ? undefined : filter.from,
        to: Number.isNaN(filter.to) ? undefined : filter.to,
        track: track || undefined,
        sel: selected >= 0 ? selected : undefined,
      }),
      mode,
    );
  }, [view, filter, track, selected]);

  const selectRow = (row: number) => {
    const event = index ? (index[row] ?? -1) : row;
    if (event >= 0) setSelected(event);
  };

  useKeyboardNav({
    enabled: view === 'events',
    move: (delta) => {
      if (rowCount === 0) return;
      const row =
        selectedRow < 0 ? (delta > 0 ? 0 : rowCount - 1) : Math.max(0, Math.min(rowCount - 1, selectedRow + delta));
      selectRow(row);
    },
    search: () => searchRef.current?.focus(),
  });

  return (
    <div class="traceview">
      <div class="subtabs" role="tablist">
        {VIEWS.map(([id, label]) => (
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
            {id === 'tracks' && session.tracks.length ? ` (${session.tracks.length})` : ''}
            {id === 'streams' && session.streams.length ? ` (${session.streams.length})` : ''}
          </button>
        ))}
      </div>
      {view === 'events' ? (
        <div class="events-layout">
          <FilterBar
            session={session}
            filter={filter}
            onChange={setFilter}
            searchRef={searchRef}
            track={trackRow ? `${trackRow.namespace}/${trackRow.name}` : ''}
            onClearTrack={() => setTrack('')}
            shown={rowCount}
          />
          <div class="split">
            <EventTable session={session} index={index} selectedRow={selectedRow} onSelect={selectRow} />
            <DetailPane session={session} event={shownEvent} />
          </div>
        </div>
      ) : null}
      {view === 'tracks' ? (
        <TrackTable
          session={session}
          selected={track}
          onSelect={(key) => {
            setTrack(key);
            setView('events');
          }}
        />
      ) : null}
      {view === 'streams' ? (
        <StreamList
          session={session}
          onSelect={(sid) => {
            setFilter({ ...filter, sid });
            setView('events');
          }}
        />
      ) : null}
      {view === 'timeline' ? (
        <Timeline
          session={session}
          onRange={(from, to) => {
            setFilter({ ...filter, from, to });
            setView('events');
          }}
        />
      ) : null}
      {view === 'sequence' ? (
        <SequenceDiagram
          session={session}
          onSelect={(event) => {
            setSelected(event);
            setView('events');
          }}
        />
      ) : null}
      {view === 'header' ? <HeaderPanel session={session} /> : null}
    </div>
  );
}
