import { fmtBytes, fmtInt, fmtUs } from '../format.js';
import type { FileSession } from '../state/session.js';

/** Data streams: id, direction, kind, alias, objects, bytes, time span, close code. Click filters the events. */
export function StreamList({ session, onSelect }: { session: FileSession; onSelect(sid: number): void }) {
  const rows = session.streams;
  if (!session.done) return <div class="panel muted">Streams appear when the file is loaded…</div>;
  return (
    <div class="panel">
      <table class="grid" data-testid="stream-list">
        <thead>
          <tr>
            <th>stream</th>
            <th>dir</th>
            <th>kind</th>
            <th>alias</th>
            <th class="num">objects</th>
            <th class="num">payloads</th>
            <th class="num">bytes</th>
            <th class="num">first (s)</th>
            <th class="num">last (s)</th>
            <th>closed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.sid} class="clickable" onClick={() => onSelect(s.sid)} data-sid={s.sid}>
              <td class="num">{s.sid}</td>
              <td>{s.dirLabel}</td>
              <td>{s.kind}</td>
              <td>{s.alias}</td>
              <td class="num">{fmtInt(s.objects)}</td>
              <td class="num">{fmtInt(s.payloads)}</td>
              <td class="num">{fmtBytes(s.bytes)}</td>
              <td class="num">{fmtUs(s.firstUs)}</td>
              <td class="num">{fmtUs(s.lastUs)}</td>
              <td>{s.closeIndex < 0 ? 'open' : s.errorCode === 0 ? 'clean' : `error ${s.errorCode}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="muted">No data streams in this trace.</p> : null}
    </div>
  );
}
