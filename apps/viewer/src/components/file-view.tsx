import { fmtBytes, fmtMs } from '../format.js';
import type { FileSession } from '../state/session.js';
import { useObservable } from '../state/use-observable.js';
import { formatName } from '../worker/detect.js';
import { Banners } from './banners.js';
import { SsView } from './ss-view.js';
import { TraceView } from './trace-view.js';

export function FileView({ session }: { session: FileSession }) {
  useObservable(session);
  const pct = session.size > 0 ? Math.min(100, (session.bytesRead / session.size) * 100) : 0;
  if (session.fatal) return <ErrorView session={session} />;
  return (
    <div
      class="fileview"
      data-testid="file-view"
      data-format={session.format ?? ''}
      data-done={String(session.done)}
      data-first-rows-ms={Number.isNaN(session.firstRowsMs) ? '' : session.firstRowsMs.toFixed(1)}
      data-load-ms={session.done ? session.elapsedMs.toFixed(1) : ''}
    >
      <div class="statusbar">
        <span class="muted">{session.format ? formatName(session.format) : 'detecting…'}</span>
        <span>{fmtBytes(session.size)}</span>
        <span data-testid="row-count">{session.rowCount.toLocaleString('en-US')}</span>
        <span class="muted">{session.format === 'ss' ? 'messages' : 'events'}</span>
        {session.done ? (
          <span class="muted" data-testid="load-time">
            loaded in {fmtMs(session.elapsedMs)}
          </span>
        ) : (
          <progress data-testid="progress" max={100} value={pct} aria-label="Parsing progress" />
        )}
      </div>
      <Banners session={session} />
      {session.format === 'moqtrace' ? <TraceView session={session} /> : null}
      {session.format === 'ss' ? <SsView session={session} /> : null}
    </div>
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
        The viewer opens .moqtrace traces (starting with <code>MOQTRACE</code>) and SeaStreamer .ss recordings (starting
        with <code>Ss</code>).
      </p>
    </div>
  );
}
