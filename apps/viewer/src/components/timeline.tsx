import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { typeName } from '../format.js';
import type { FileSession } from '../state/session.js';

type LaneMode = 'stream' | 'type';

interface Lanes {
  labels: string[];
  /** Lane of each event, -1 = not drawn. */
  laneOf: Int32Array;
}

function buildLanes(session: FileSession, mode: LaneMode): Lanes {
  const t = session.trace;
  const laneOf = new Int32Array(t.length);
  const labels: string[] = [];
  const ids = new Map<number, number>();
  const key = (i: number) => (mode === 'type' ? (t.type.data[i] as number) : (t.sid.data[i] as number));
  const keys: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const k = key(i);
    if (!ids.has(k)) {
      ids.set(k, -1);
      keys.push(k);
    }
  }
  keys.sort((a, b) => (Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : a - b));
  keys.forEach((k, lane) => {
    ids.set(k, lane);
    labels.push(mode === 'type' ? typeName(k) : Number.isNaN(k) ? 'no stream' : `stream ${k}`);
  });
  for (let i = 0; i < t.length; i++) laneOf[i] = ids.get(key(i)) ?? -1;
  return { labels, laneOf };
}

const LANE_H = 18;
const LABEL_W = 120;

/** One lane per stream or per type, zoom (wheel) and pan (drag); below it a uPlot chart of events/s and bitrate. */
export function Timeline({ session, onRange }: { session: FileSession; onRange(from: number, to: number): void }) {
  const [mode, setMode] = useState<LaneMode>('stream');
  const t = session.trace;
  const lanes = useMemo(() => buildLanes(session, mode), [session, mode, session.rowsVersion]);
  const span = useMemo(() => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < t.length; i++) {
      const v = t.time.data[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!Number.isFinite(min)) return { min: 0, max: 1 };
    return { min, max: max > min ? max : min + 1 };
  }, [session, session.rowsVersion]);
  const [view, setView] = useState<{ from: number; to: number } | null>(null);
  const win = view ?? { from: span.min, to: span.max };
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; from: number; to: number } | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const width = canvas.clientWidth || 800;
    const height = lanes.labels.length * LANE_H + 24;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    const css = getComputedStyle(canvas);
    const fg = css.getPropertyValue('--fg').trim() || '#222';
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    const grid = css.getPropertyValue('--border').trim() || '#ddd';
    const colors = ['#3b82f6', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6', '#ef4444', '#84cc16'];
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    const plotW = width - LABEL_W - 8;
    const scale = plotW / (win.to - win.from);
    lanes.labels.forEach((label, lane) => {
      const y = lane * LANE_H;
      ctx.fillStyle = fg;
      ctx.fillText(label, 4, y + 13);
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(LABEL_W, y + LANE_H - 0.5);
      ctx.lineTo(width, y + LANE_H - 0.5);
      ctx.stroke();
    });
    // One mark per pixel column and lane (a bitmap), so a million events draw in one pass.
    const cols = Math.ceil(plotW) + 1;
    const seen = new Uint8Array(cols * Math.max(1, lanes.labels.length));
    for (let i = 0; i < t.length; i++) {
      const v = t.time.data[i] as number;
      if (v < win.from || v > win.to) continue;
      const lane = lanes.laneOf[i] as number;
      if (lane < 0) continue;
      const x = Math.floor((v - win.from) * scale);
      const cell = lane * cols + x;
      if (seen[cell]) continue;
      seen[cell] = 1;
      const type = t.type.data[i] as number;
      ctx.fillStyle = type === 6 ? '#ef4444' : (colors[lane % colors.length] as string);
      ctx.fillRect(LABEL_W + x, lane * LANE_H + 3, 2, LANE_H - 6);
    }
    ctx.fillStyle = muted;
    const axisY = lanes.labels.length * LANE_H + 16;
    for (let k = 0; k <= 4; k++) {
      const v = win.from + ((win.to - win.from) * k) / 4;
      const x = LABEL_W + (plotW * k) / 4;
      ctx.fillText(`${(v / 1e6).toFixed(3)}s`, Math.min(x, width - 50), axisY);
    }
  }, [lanes, win.from, win.to, t]);

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const canvas = canvasRef.current!;
    const rect = canvas.getBoundingClientRect();
    const plotW = rect.width - LABEL_W - 8;
    const frac = Math.max(0, Math.min(1, (e.clientX - rect.left - LABEL_W) / plotW));
    const at = win.from + frac * (win.to - win.from);
    const factor = e.deltaY > 0 ? 1.25 : 0.8;
    const width = Math.max(10, (win.to - win.from) * factor);
    setView({ from: at - frac * width, to: at + (1 - frac) * width });
  };
  const onDown = (e: PointerEvent) => {
    drag.current = { x: e.clientX, from: win.from, to: win.to };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const canvas = canvasRef.current!;
    const plotW = canvas.clientWidth - LABEL_W - 8;
    const shift = ((e.clientX - d.x) / plotW) * (d.to - d.from);
    setView({ from: d.from - shift, to: d.to - shift });
  };
  const onUp = () => {
    drag.current = null;
  };

  return (
    <div class="panel timeline" data-testid="timeline">
      <div class="toolbar">
        <label class="inline">
          lanes
          <select value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as LaneMode)}>
            <option value="stream">per stream</option>
            <option value="type">per type</option>
          </select>
        </label>
        <button type="button" class="button" onClick={() => setView(null)}>
          Reset zoom
        </button>
        <button type="button" class="button" onClick={() => onRange(win.from / 1e6, win.to / 1e6)}>
          Filter events to this range
        </button>
        <span class="muted">
          {(win.from / 1e6).toFixed(3)} s – {(win.to / 1e6).toFixed(3)} s · wheel to zoom, drag to pan
        </span>
      </div>
      <canvas
        ref={canvasRef}
        class="timeline-canvas"
        onWheel={onWheel}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
      />
      <RateChart session={session} from={win.from} to={win.to} />
    </div>
  );
}

/** Events per second and payload bitrate over the visible window, drawn by uPlot. */
function RateChart({ session, from, to }: { session: FileSession; from: number; to: number }) {
  const ref = useRef<HTMLDivElement>(null);
  // One uPlot per chart: zooming and panning (one update per wheel or pointer event) only replace its data.
  const plotRef = useRef<uPlot | null>(null);
  useEffect(
    () => () => {
      plotRef.current?.destroy();
      plotRef.current = null;
    },
    [],
  );
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const t = session.trace;
    const bins = 200;
    const width = (to - from) / bins;
    const xs = new Float64Array(bins);
    const counts = new Float64Array(bins);
    const bits = new Float64Array(bins);
    for (let b = 0; b < bins; b++) xs[b] = (from + b * width) / 1e6;
    for (let i = 0; i < t.length; i++) {
      const v = t.time.data[i] as number;
      if (v < from || v >= to) continue;
      const b = Math.min(bins - 1, Math.floor((v - from) / width));
      counts[b]++;
      if (t.type.data[i] === 4) {
        const size = t.size.data[i] as number;
        if (!Number.isNaN(size)) bits[b] += size * 8;
      }
    }
    const perSec = 1e6 / width;
    for (let b = 0; b < bins; b++) {
      counts[b] = (counts[b] as number) * perSec;
      bits[b] = ((bits[b] as number) * perSec) / 1000;
    }
    const data: uPlot.AlignedData = [Array.from(xs), Array.from(counts), Array.from(bits)];
    if (plotRef.current) {
      plotRef.current.setData(data);
      return;
    }
    plotRef.current = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 180,
        scales: { x: { time: false } },
        axes: [
          { label: 'seconds', stroke: 'currentColor' },
          { label: 'events/s', stroke: 'currentColor' },
          { side: 1, scale: 'kbps', label: 'kbit/s', stroke: 'currentColor', grid: { show: false } },
        ],
        series: [
          {},
          { label: 'events/s', stroke: '#3b82f6', width: 1 },
          { label: 'payload kbit/s', stroke: '#f59e0b', width: 1, scale: 'kbps' },
        ],
      },
      data,
      el,
    );
  }, [session, from, to, session.rowsVersion]);
  return <div ref={ref} class="ratechart" data-testid="rate-chart" />;
}
