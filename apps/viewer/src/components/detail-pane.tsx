import { useEffect, useState } from 'preact/hooks';
import type { FileSession } from '../state/session.js';
import type { Detail } from '../worker/protocol.js';
import { HexView } from './hex-view.js';
import { JsonTree } from './json-tree.js';

/** Details of the selected record: friendly fields, JSON trees, text, hex views, preserved unknown keys. */
export function DetailPane({ session, event }: { session: FileSession; event: number }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loading, setLoading] = useState(false);
  const available = event >= 0 && event < session.rowCount;
  useEffect(() => {
    let live = true;
    if (!available) {
      setDetail(null);
      return undefined;
    }
    setLoading(true);
    setDetail(null);
    void session.detail(event).then((d) => {
      if (!live) return;
      setDetail(d);
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [session, event, available]);
  if (!available) {
    return (
      <aside class="detail empty" data-testid="detail-pane">
        <p class="muted">Select a row (click, or j/k) to see its details.</p>
      </aside>
    );
  }
  if (!detail) {
    return (
      <aside class="detail" data-testid="detail-pane">
        <p class="muted">{loading ? 'Loading…' : 'No details available.'}</p>
      </aside>
    );
  }
  return (
    <aside class="detail" data-testid="detail-pane" data-index={detail.index}>
      <h3 data-testid="detail-title">{detail.title}</h3>
      <dl class="fields" data-testid="detail-fields">
        {detail.fields.map((f) => (
          <div class="field" key={f.label}>
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
          <h4>{b.label}</h4>
          <HexView data={b.data} baseOffset={b.offset} total={b.total} label={b.label} />
        </section>
      ))}
      {detail.extra !== null ? (
        <section data-testid="detail-extra">
          <h4>Preserved unknown keys</h4>
          <JsonTree value={detail.extra} />
        </section>
      ) : null}
    </aside>
  );
}
