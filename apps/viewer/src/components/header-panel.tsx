import { fmtDate, fmtMs } from '../format.js';
import type { FileSession } from '../state/session.js';
import type { Json } from '../worker/protocol.js';
import { JsonTree } from './json-tree.js';

const ORDER = ['protocol', 'perspective', 'detail', 'transport', 'source', 'endpoint', 'sessionId'];

function asRecord(value: Json): Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Header/details panel: protocol, perspective, detail, times, source, endpoint, segments, sampling. */
export function HeaderPanel({ session }: { session: FileSession }) {
  const info = session.traceHeader;
  if (!info) return <div class="panel muted">Reading header…</div>;
  return (
    <div class="panel header-panel" data-testid="header-panel">
      {info.relativeToFirstEvent ? (
        <div class="banner info">
          Event times exceed the header's duration (reference recorder clock): times are shown relative to the first
          event.
        </div>
      ) : null}
      <p>
        {session.trace.length.toLocaleString('en-US')} events in {info.segments.length} segment
        {info.segments.length === 1 ? '' : 's'}
        {info.version ? ` · ${info.version}` : info.draft !== null ? ` · draft ${info.draft}` : ''} ·{' '}
        {session.complete ? 'complete' : 'incomplete'}
        {info.source === 'qlog' ? ` · read from qlog (${info.framing || 'detecting framing'})` : ''}
      </p>
      {info.segments.map((seg, i) => {
        const h = asRecord(seg.header);
        const start = typeof h.startTime === 'number' ? h.startTime : Number.NaN;
        const end = typeof h.endTime === 'number' ? h.endTime : Number.NaN;
        const rest = Object.entries(h).filter(([k]) => !ORDER.includes(k) && k !== 'startTime' && k !== 'endTime');
        return (
          <section key={i} class="segment" data-testid="header-segment">
            <h3>
              {seg.version === null
                ? `Trace ${i} · qlog record at byte ${seg.offset}`
                : `Segment ${i} · version ${seg.version} · offset ${seg.offset}`}
            </h3>
            <dl class="fields">
              {ORDER.filter((k) => k in h).map((k) => (
                <div class="field" key={k} data-testid={`header-${k}`}>
                  <dt>{k}</dt>
                  <dd>{typeof h[k] === 'string' ? (h[k] as string) : JSON.stringify(h[k])}</dd>
                </div>
              ))}
              <div class="field" data-testid="header-startTime">
                <dt>startTime</dt>
                <dd>
                  {fmtDate(start)} ({String(h.startTime)})
                </dd>
              </div>
              <div class="field" data-testid="header-endTime">
                <dt>endTime</dt>
                <dd>{Number.isNaN(end) ? 'absent (not finalised)' : `${fmtDate(end)} (${fmtMs(end - start)})`}</dd>
              </div>
            </dl>
            {rest.map(([k, v]) => (
              <div key={k} data-testid={`header-${k}`}>
                <h4>{k}</h4>
                <JsonTree value={v} />
              </div>
            ))}
          </section>
        );
      })}
    </div>
  );
}
