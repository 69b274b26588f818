import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { FileSession } from '../state/session.js';
import type { Detail } from '../worker/protocol.js';
import { HexView } from './hex-view.js';
import { JsonTree } from './json-tree.js';

const WIDTH_KEY = 'xtrace-viewer-detail-width';
const COLLAPSED_KEY = 'xtrace-viewer-detail-collapsed';
/** Narrowest details pane, and the room always left to the table beside it (px). */
const MIN_WIDTH = 300;
const MIN_TABLE = 360;
const KEY_STEP = 40;

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
}

/** A width for the pane inside its split: at least {@link MIN_WIDTH}, leaving {@link MIN_TABLE} to the table. */
function clampWidth(pane: HTMLElement, width: number): number {
  const room = (pane.parentElement?.clientWidth ?? window.innerWidth) - MIN_TABLE;
  return Math.round(Math.max(MIN_WIDTH, Math.min(width, room)));
}

/**
 * Details of the selected record: friendly fields, JSON trees, text, hex views, preserved unknown keys. Nothing
 * (no space at all) when no row is selected; the handle on its left edge resizes it (drag, or arrow keys), the
 * button collapses it to a thin strip. Width and collapsed state are remembered in `localStorage`.
 */
export function DetailPane({ session, event }: { session: FileSession; event: number }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loading, setLoading] = useState(false);
  const [collapsed, setCollapsed] = useState(() => stored(COLLAPSED_KEY) === '1');
  const paneRef = useRef<HTMLElement>(null);
  /** The pane's width as last laid out (for the splitter's `aria-valuenow`). */
  const [shownWidth, setShownWidth] = useState(0);
  const available = event >= 0 && event < session.rowCount;

  useEffect(() => {
    let live = true;
    if (!available) {
      setDetail(null);
      return undefined;
    }
    setLoading(true);
    void session.detail(event).then((d) => {
      if (!live) return;
      setDetail(d);
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [session, event, available]);

  // The remembered width, within the room the window leaves (set through the CSSOM: the CSP forbids inline styles).
  useLayoutEffect(() => {
    const pane = paneRef.current;
    if (!pane) return undefined;
    const apply = () => {
      const width = Number(stored(WIDTH_KEY));
      if (collapsed || !(width > 0)) pane.style.removeProperty('width');
      else pane.style.width = `${clampWidth(pane, width)}px`;
      setShownWidth(Math.round(pane.getBoundingClientRect().width));
    };
    apply();
    window.addEventListener('resize', apply);
    return () => window.removeEventListener('resize', apply);
  }, [collapsed, available]);

  if (!available) return null;

  const resizeTo = (width: number) => {
    const pane = paneRef.current;
    if (!pane) return;
    const w = clampWidth(pane, width);
    pane.style.width = `${w}px`;
    setShownWidth(w);
    store(WIDTH_KEY, String(w));
  };
  const onPointerDown = (e: PointerEvent) => {
    const pane = paneRef.current;
    if (!pane || collapsed) return;
    e.preventDefault();
    const handle = e.currentTarget as HTMLElement;
    handle.setPointerCapture(e.pointerId);
    const right = pane.getBoundingClientRect().right;
    const move = (m: PointerEvent) => resizeTo(right - m.clientX);
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const pane = paneRef.current;
    if (!pane || collapsed) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      e.stopPropagation();
      resizeTo(pane.getBoundingClientRect().width + (e.key === 'ArrowLeft' ? KEY_STEP : -KEY_STEP));
    }
  };
  const toggle = () => {
    store(COLLAPSED_KEY, collapsed ? null : '1');
    setCollapsed(!collapsed);
  };

  return (
    <aside
      class={`detail${collapsed ? ' collapsed' : ''}`}
      ref={paneRef}
      data-testid="detail-pane"
      data-index={detail?.index}
      aria-label="Details"
    >
      {/* biome-ignore lint/a11y/useSemanticElements: a focusable splitter (role separator with a value) has no HTML element */}
      <div
        class="detail-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the details (arrow keys)"
        aria-valuenow={shownWidth}
        aria-valuemin={MIN_WIDTH}
        tabIndex={collapsed ? -1 : 0}
        data-testid="detail-resize"
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
      <div class="detail-head">
        <button
          type="button"
          class="detail-toggle"
          data-testid="detail-toggle"
          aria-expanded={!collapsed}
          title={collapsed ? 'Show the details' : 'Hide the details'}
          onClick={toggle}
        >
          {collapsed ? '‹' : '›'}
        </button>
        {collapsed ? null : (
          <h3 data-testid="detail-title" title={detail?.title}>
            {detail ? detail.title : loading ? 'Loading…' : 'No details available.'}
          </h3>
        )}
      </div>
      {collapsed || !detail ? null : <DetailBody detail={detail} />}
    </aside>
  );
}

function DetailBody({ detail }: { detail: Detail }) {
  return (
    <div class="detail-body">
      <dl class="fields" data-testid="detail-fields">
        {detail.fields.map((f) => (
          <div class="field" key={f.label} data-testid={`field-${f.label}`}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      {detail.text ? (
        <section>
          <h4>{detail.text.label}</h4>
          <pre class="textblock" data-testid="detail-text">
            {detail.text.value}
          </pre>
        </section>
      ) : null}
      {detail.trees.map((tree) => (
        <section key={tree.label}>
          <h4>{tree.label}</h4>
          <JsonTree value={tree.value} />
        </section>
      ))}
      {detail.bytes.map((b) => (
        <section key={b.label}>
          <HexView data={b.data} baseOffset={b.offset} total={b.total} label={b.label} />
        </section>
      ))}
      {detail.extra !== null ? (
        <section data-testid="detail-extra">
          <h4>Preserved unknown keys</h4>
          <JsonTree value={detail.extra} />
        </section>
      ) : null}
      {detail.source ? (
        <section>
          <h4>{detail.source.label}</h4>
          <pre class="textblock" data-testid="detail-source">
            {detail.source.value}
          </pre>
        </section>
      ) : null}
    </div>
  );
}
