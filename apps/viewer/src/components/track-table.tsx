import { fmtBitrate, fmtBytes, fmtInt, fmtMs } from '../format.js';
import type { FileSession } from '../state/session.js';

/** Tracks from the library's request pairing; clicking one filters the event table to it. */
export function TrackTable({
  session,
  selected,
  onSelect,
}: {
  session: FileSession;
  selected: string;
  onSelect(key: string): void;
}) {
  if (!session.done) return <div class="panel muted">Tracks appear when the file is loaded…</div>;
  const rows = session.tracks;
  return (
    <div class="panel">
      <table class="grid" data-testid="track-table">
        <thead>
          <tr>
            <th>namespace</th>
            <th>name</th>
            <th>request</th>
            <th>alias</th>
            <th>status</th>
            <th class="num">latency</th>
            <th class="num">objects</th>
            <th class="num">bytes</th>
            <th class="num">bitrate</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr
              key={t.key}
              class={`clickable${t.key === selected ? ' selected' : ''} status-${t.status}`}
              onClick={() => onSelect(t.key)}
              data-testid="track-row"
            >
              <td class="c-longtext" title={t.namespace}>
                {t.namespace}
              </td>
              <td class="c-longtext" title={t.name}>
                {t.name}
              </td>
              <td>{t.paired ? t.key : `${t.key} (unpaired)`}</td>
              <td>{t.alias}</td>
              <td data-testid="track-status" class="c-longtext" title={t.reason}>
                {t.status}
                {t.reason ? `: ${t.reason}` : ''}
              </td>
              <td class="num">{Number.isNaN(t.latencyUs) ? '' : fmtMs(t.latencyUs / 1000)}</td>
              <td class="num">{fmtInt(t.objects)}</td>
              <td class="num">{fmtBytes(t.bytes)}</td>
              <td class="num">{fmtBitrate(t.bitrate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="muted">No subscriptions or fetches in this trace.</p> : null}
    </div>
  );
}
