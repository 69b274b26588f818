import { hexdumpLines } from '@x/binary';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface HexViewProps {
  data: Uint8Array;
  /** Offset shown for data[0] (e.g. the file offset). */
  baseOffset?: number;
  /** Full length when `data` is a prefix of a longer value. */
  total?: number;
  label?: string;
}

const PAGE_LINES = 256;
/** Characters of a line of 16 bytes: offset, gap, hex (16 × 3 + 1), gap, ASCII. */
const LINE_CHARS_16 = 8 + 2 + 49 + 1 + 16;

/**
 * Offset, hex and ASCII columns (from @x/binary's `hexdumpLines`), rendered as text. 16 bytes per line when the
 * pane is wide enough for the whole line, else 8, so that the ASCII column is never cut.
 */
export function HexView({ data, baseOffset = 0, total, label }: HexViewProps) {
  const [lines, setLines] = useState(PAGE_LINES);
  const [width, setWidth] = useState(16);
  const ref = useRef<HTMLPreElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const pre = ref.current;
    const char = probe.current;
    if (!pre || !char) return undefined;
    const fit = () => {
      const charWidth = char.getBoundingClientRect().width / 10;
      const style = getComputedStyle(pre);
      const room = pre.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
      setWidth(charWidth > 0 && room < LINE_CHARS_16 * charWidth ? 8 : 16);
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(pre);
    return () => observer.disconnect();
  }, []);
  const shown = Math.min(data.length, lines * width);
  const rows = hexdumpLines(data, { baseOffset, length: shown, width });
  const hexChars = width * 3 + (width > 8 ? 1 : 0);
  return (
    <div class="hexview" data-testid="hex-view" data-width={width}>
      {label ? (
        <div class="hexview-label">
          {label} · {(total ?? data.length).toLocaleString('en-US')} bytes
          {total !== undefined && total > data.length ? ` (first ${data.length.toLocaleString('en-US')} shown)` : ''}
        </div>
      ) : null}
      <pre class="hexview-lines" ref={ref}>
        {/* ten characters wide (CSS content), to measure the font */}
        <span class="hex-probe" ref={probe} aria-hidden="true" />
        {rows.map((line) => (
          <div class="hexline" key={line.offset}>
            <span class="hex-off">{line.offset.toString(16).padStart(8, '0')}</span>
            {'  '}
            <span class="hex-bytes">{line.hex.padEnd(hexChars, ' ')}</span>
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
