import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fmtBytes, fmtInt } from '../format.js';
import type { FileSession } from '../state/session.js';
import { SS_FLAG } from '../worker/protocol.js';

const H = 64;

/**
 * The file as a horizontal strip: messages at their extent (spliced ones highlighted, checksum problems in red) and
 * beacons as marks at multiples of the interval. Wheel zooms, drag pans, click selects the nearest message.
 */
export function BeaconStrip({ session, onSelect }: { session: FileSession; onSelect(message: number): void }) {
  const size = Math.max(1, session.size);
  const [win, setWin] = useState({ from: 0, to: size });
  const ref = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; from: number; to: number; moved: boolean } | null>(null);
  const s = session.ss;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const width = canvas.clientWidth || 800;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = H * dpr;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    const css = getComputedStyle(canvas);
    const msgColor = css.getPropertyValue('--accent').trim() || '#3b82f6';
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    ctx.clearRect(0, 0, width, H);
    const scale = width / (win.to - win.from);
    const px = (offset: number) => (offset - win.from) * scale;
    ctx.fillStyle = css.getPropertyValue('--panel').trim() || '#f5f5f5';
    ctx.fillRect(0, 16, width, 32);
    // Frames are contiguous in file order: a message spans from its offset to the next message's (beacons
    // inside it included), the last one to the end of the file. Each is drawn at its true extent, with a
    // 1 px gap before the next when there is room, so large messages are not mistaken for empty space.
    for (let i = 0; i < s.length; i++) {
      const off = s.offset.data[i] as number;
      const end = i + 1 < s.length ? (s.offset.data[i + 1] as number) : size;
      if (end < win.from || off > win.to) continue;
      const f = s.flags.data[i] as number;
      ctx.fillStyle = f & SS_FLAG.checksum ? '#ef4444' : f & SS_FLAG.spliced ? '#f59e0b' : msgColor;
      const w = (end - off) * scale;
      ctx.fillRect(px(off), 20, w > 3 ? w - 1 : Math.max(1, w), 24);
    }
    ctx.fillStyle = '#8b5cf6';
    for (let i = 0; i < s.beaconOffset.length; i++) {
      const off = s.beaconOffset.data[i] as number;
      if (off < win.from || off > win.to) continue;
      ctx.fillRect(px(off), 8, 1.5, 48);
    }
    ctx.fillStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(fmtBytes(win.from), 2, 62);
    ctx.fillText(fmtBytes(win.to), Math.max(0, width - 60), 62);
  }, [win, s, session.rowsVersion]);

  const nearest = (offset: number): number => {
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s.offset.data[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return s.length ? lo : -1;
  };
  const offsetAt = (clientX: number) => {
    const rect = ref.current!.getBoundingClientRect();
    return win.from + ((clientX - rect.left) / rect.width) * (win.to - win.from);
  };
  // Counted once per data version, not on every zoom or pan render.
  const [spliced, bad] = useMemo(
    () => [countFlag(session, SS_FLAG.spliced), countFlag(session, SS_FLAG.checksum)],
    [session, session.rowsVersion],
  );
  return (
    <div class="panel" data-testid="beacon-strip">
      <p>
        {fmtInt(s.beaconOffset.length)} beacons (every {fmtInt(session.ssHeader?.beaconInterval ?? 0)} bytes, violet) ·{' '}
        {fmtInt(s.length)} messages (blue) · {fmtInt(spliced)} spliced by a beacon (amber) · {fmtInt(bad)} checksum
        problems (red)
      </p>
      <canvas
        ref={ref}
        class="strip-canvas"
        onWheel={(e) => {
          e.preventDefault();
          const at = offsetAt(e.clientX);
          const factor = e.deltaY > 0 ? 1.25 : 0.8;
          const frac = (at - win.from) / (win.to - win.from);
          const width = Math.max(64, (win.to - win.from) * factor);
          setWin({ from: Math.max(0, at - frac * width), to: Math.min(size, at + (1 - frac) * width) });
        }}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, from: win.from, to: win.to, moved: false };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const rect = ref.current!.getBoundingClientRect();
          const shift = ((e.clientX - d.x) / rect.width) * (d.to - d.from);
          if (Math.abs(e.clientX - d.x) > 3) d.moved = true;
          setWin({ from: d.from - shift, to: d.to - shift });
        }}
        onPointerUp={(e) => {
          const d = drag.current;
          drag.current = null;
          if (d && !d.moved) {
            const m = nearest(offsetAt(e.clientX));
            if (m >= 0) onSelect(m);
          }
        }}
      />
      <button type="button" class="button" onClick={() => setWin({ from: 0, to: size })}>
        Reset zoom
      </button>
    </div>
  );
}

function countFlag(session: FileSession, flag: number): number {
  let n = 0;
  const f = session.ss.flags;
  for (let i = 0; i < f.length; i++) if ((f.data[i] as number) & flag) n++;
  return n;
}
