import { useState } from 'preact/hooks';
import { fmtUs } from '../format.js';
import type { FileSession } from '../state/session.js';

const ROW = 26;
const PAGE = 400;

function perspectiveOf(session: FileSession): string {
  return session.traceHeader?.perspective || 'client';
}

/**
 * Client/server sequence diagram of control messages (type 0), as SVG built from Preact elements (labels are
 * text nodes). Sent messages go from the recording side to its peer.
 */
export function SequenceDiagram({ session, onSelect }: { session: FileSession; onSelect(event: number): void }) {
  const [limit, setLimit] = useState(PAGE);
  const t = session.trace;
  const events: number[] = [];
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const type = t.type.data[i] as number;
    if (type === 0 || type === 6) {
      total++;
      if (events.length < limit) events.push(i);
    }
  }
  const perspective = perspectiveOf(session);
  const local = perspective === 'server' ? 'server' : 'client';
  const leftX = 160;
  const rightX = 620;
  const width = 780;
  const height = 50 + events.length * ROW + 20;
  // Client on the left, server on the right.
  const localX = local === 'client' ? leftX : rightX;
  const remoteX = local === 'client' ? rightX : leftX;
  return (
    <div class="panel seq-panel">
      <p class="muted">
        {total.toLocaleString('en-US')} control messages and errors · perspective {perspective}
        {total > events.length ? ` · first ${events.length} shown` : ''}
      </p>
      <svg
        class="seqdiagram"
        data-testid="sequence-diagram"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label="Sequence diagram of control messages"
      >
        <text x={leftX} y={20} class="seq-actor" text-anchor="middle">
          client
        </text>
        <text x={rightX} y={20} class="seq-actor" text-anchor="middle">
          server
        </text>
        <line x1={leftX} y1={30} x2={leftX} y2={height - 10} class="seq-life" />
        <line x1={rightX} y1={30} x2={rightX} y2={height - 10} class="seq-life" />
        {events.map((i, k) => {
          const y = 50 + k * ROW;
          const type = t.type.data[i] as number;
          const dir = t.dir.data[i] as number;
          const name =
            type === 6 ? `ERROR ${session.str(t.summary.data[i] as number)}` : session.str(t.name.data[i] as number);
          if (type === 6 || dir < 0) {
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: the event table offers the same selection by keyboard
              <g key={i} class="seq-msg seq-error" onClick={() => onSelect(i)}>
                <text x={8} y={y + 4} class="seq-time">
                  {fmtUs(t.time.data[i] as number)}
                </text>
                <circle cx={localX} cy={y} r={5} />
                <text x={(leftX + rightX) / 2} y={y + 4} text-anchor="middle">
                  {name}
                </text>
              </g>
            );
          }
          const from = dir === 0 ? localX : remoteX;
          const to = dir === 0 ? remoteX : localX;
          const head = to > from ? -8 : 8;
          return (
            // biome-ignore lint/a11y/noStaticElementInteractions: the event table offers the same selection by keyboard
            <g key={i} class="seq-msg" data-testid="seq-msg" onClick={() => onSelect(i)}>
              <text x={8} y={y + 4} class="seq-time">
                {fmtUs(t.time.data[i] as number)}
              </text>
              <line x1={from} y1={y} x2={to} y2={y} />
              <polygon points={`${to},${y} ${to + head},${y - 4} ${to + head},${y + 4}`} />
              <text x={(leftX + rightX) / 2} y={y - 4} text-anchor="middle" class="seq-label">
                {name.toUpperCase()}
              </text>
            </g>
          );
        })}
      </svg>
      {total > events.length ? (
        <button type="button" class="button" onClick={() => setLimit(limit + PAGE)}>
          Show more
        </button>
      ) : null}
    </div>
  );
}
