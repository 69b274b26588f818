import { fmtBytes, fmtDate, fmtInt, fmtMs, formatName } from '../format.js';
import type { FileSession } from '../state/session.js';
import type { HashParams } from '../state/url.js';
import { useObservable } from '../state/use-observable.js';
import { Banners } from './banners.js';
import { SsView } from './ss-view.js';
import { TraceView } from './trace-view.js';

/** How a view reports its state (view, filters, selection) for the URL. */
export type ViewStateListener = (session: FileSession, state: HashParams, mode: 'push' | 'replace') => void;

export function FileView({ session, onViewState }: { session: FileSession; onViewState: ViewStateListener }) {
  useObservable(session);
  const pct = session.size > 0 ? Math.min(100, (session.bytesRead / session.size) * 100) : 0;
  if (session.fatal) return <ErrorView session={session} />;
  const onState = (state: HashParams, mode: 'push' | 'replace') => onViewState(session, state, mode);
  const trace = session.format === 'moqtrace' || session.format === 'qlog';
  return (
    <div
      class="fileview"
      data-testid="file-view"
      data-format={session.format ?? ''}
      data-done={String(session.done)}
      data-first-rows-ms={Number.isNaN(session.firstRowsMs) ? '' : session.firstRowsMs.toFixed(1)}
      data-load-ms={session.done ? session.elapsedMs.toFixed(1) : ''}
    >
      <div class="statusbar" data-testid="header-line">
        <span class="format" data-testid="header-format">
          {session.format ? formatName(session.format) : 'detecting…'}
        </span>
        <HeaderItems session={session} />
        <span class="hl-item">
          <span class="muted">size </span>
          <span class="hl-value">{fmtBytes(session.size)}</span>
        </span>
        <span class="hl-item">
          <span data-testid="row-count">{session.rowCount.toLocaleString('en-US')}</span>{' '}
          <span class="muted">{session.format === 'ss' ? 'messages' : 'events'}</span>
        </span>
        {session.done ? (
          <span class="muted hl-item" data-testid="load-time">
            loaded in {fmtMs(session.elapsedMs)}
          </span>
        ) : (
          <progress data-testid="progress" max={100} value={pct} aria-label="Parsing progress" />
        )}
      </div>
      <Banners session={session} />
      {trace ? <TraceView key={session.viewEpoch} session={session} onState={onState} /> : null}
      {session.format === 'ss' ? <SsView key={session.viewEpoch} session={session} onState={onState} /> : null}
    </div>
  );
}

/**
 * The file at a glance: protocol and version, perspective, start time and duration of a trace; file name, beacon
 * interval and stream count of a .ss recording.
 */
function HeaderItems({ session }: { session: FileSession }) {
  const items: { key: string; label: string; value: string }[] = [];
  const add = (key: string, label: string, value: string) => {
    if (value) items.push({ key, label, value });
  };
  const h = session.traceHeader;
  const ss = session.ssHeader;
  if (h) {
    add('protocol', 'protocol', h.protocol);
    add('version', 'version', h.version);
    add('perspective', 'perspective', h.perspective);
    add('start', 'start', h.relativeClock ? 'unknown (relative clock)' : fmtDate(h.startTime));
    add('duration', 'duration', Number.isFinite(h.durationMs) ? fmtMs(h.durationMs) : '');
    if (h.source === 'qlog') add('framing', 'qlog', h.framing);
  } else if (ss) {
    add('file-name', 'file name', ss.fileName || '(none)');
    add('beacon-interval', 'beacon interval', `${fmtInt(ss.beaconInterval)} bytes`);
    add('streams', 'streams', fmtInt(session.ssStreams.length));
    add('created', 'created', fmtDate(ss.createdAt));
  }
  return (
    <>
      {items.map((item) => (
        <span class="hl-item" key={item.key} data-testid={`hl-${item.key}`} title={`${item.label}: ${item.value}`}>
          <span class="muted">{item.label} </span>
          <span class="hl-value">{item.value}</span>
        </span>
      ))}
    </>
  );
}

function ErrorView({ session }: { session: FileSession }) {
  const fatal = session.fatal!;
  return (
    <div class="errorview" data-testid="error-view" role="alert">
      <h2>Cannot open {session.name}</h2>
      <p class="error-message">{fatal.message}</p>
      <p>
        <span class="muted">Error code </span>
        <code data-testid="error-code">{fatal.code}</code>
        <span class="muted"> · {fmtBytes(session.size)}</span>
      </p>
      {fatal.hex ? (
        <p>
          <span class="muted">First bytes: </span>
          <code data-testid="error-hex">{fatal.hex.replace(/(..)/g, '$1 ').trim()}</code>
        </p>
      ) : null}
      <p class="muted">
        The viewer opens .moqtrace traces (starting with <code>MOQTRACE</code>), MoQT qlog/mlog files (JSON-SEQ,
        contained JSON or concatenated JSON with <code>moqt:</code> events) and SeaStreamer .ss recordings (starting
        with <code>Ss</code>).
      </p>
    </div>
  );
}
