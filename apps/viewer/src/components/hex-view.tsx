import { hexdumpLines } from '@x/binary';
import { useState } from 'preact/hooks';

export interface HexViewProps {
  data: Uint8Array;
  /** Offset shown for data[0] (e.g. the file offset). */
  baseOffset?: number;
  /** Full length when `data` is a prefix of a longer value. */
  total?: number;
  label?: string;
}

const PAGE_LINES = 256;

/** Offset, hex and ASCII columns (from @x/binary's `hexdumpLines`), rendered as text. */
export function HexView({ data, baseOffset = 0, total, label }: HexViewProps) {
  const [lines, setLines] = useState(PAGE_LINES);
  const shown = Math.min(data.length, lines * 16);
  const rows = hexdumpLines(data, { baseOffset, length: shown });
  return (
    <div class="hexview" data-testid="hex-view">
      {label ? (
        <div class="hexview-label">
          {label} · {(total ?? data.length).toLocaleString('en-US')} bytes
          {total !== undefined && total > data.length ? ` (first ${data.length.toLocaleString('en-US')} shown)` : ''}
        </div>
      ) : null}
      <pre class="hexview-lines">
        {rows.map((line) => (
          <div class="hexline" key={line.offset}>
            <span class="hex-off">{line.offset.toString(16).padStart(8, '0')}</span>
            <span class="hex-bytes">{line.hex.padEnd(49, ' ')}</span>
            <span class="hex-ascii">{line.ascii}</span>
          </div>
        ))}
      </pre>
      {shown < data.length ? (
        <button type="button" class="linkish" onClick={() => setLines(lines + PAGE_LINES * 4)}>
          Show more ({(data.length - shown).toLocaleString('en-US')} bytes left)
        </button>
      ) : null}
      {data.length === 0 ? <div class="muted">(empty)</div> : null}
    </div>
  );
}
