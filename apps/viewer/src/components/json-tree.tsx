import { useState } from 'preact/hooks';
import type { Json } from '../worker/protocol.js';

/** A collapsible JSON tree; keys and values are text nodes. */
export function JsonTree({ value, label }: { value: Json; label?: string }) {
  return (
    <div class="jsontree" data-testid="json-tree">
      <JsonNode name={label ?? null} value={value} depth={0} />
    </div>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: Json; depth: number }) {
  const [open, setOpen] = useState(depth < 3);
  const isArray = Array.isArray(value);
  const isObject = value !== null && typeof value === 'object';
  const keyPart = name !== null ? <span class="jt-key">{name}: </span> : null;
  if (!isObject) {
    return (
      <div class="jt-row">
        {keyPart}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: [string, Json][] = isArray
    ? (value as Json[]).map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, Json>);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <div class="jt-node">
      <button type="button" class="jt-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span class="jt-caret">{open ? '▾' : '▸'}</span>
        {keyPart}
        <span class="jt-summary">{summary}</span>
      </button>
      {open ? (
        <div class="jt-children">
          {entries.slice(0, 1000).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > 1000 ? <div class="muted">… {entries.length - 1000} more</div> : null}
        </div>
      ) : null}
    </div>
  );
}

function Scalar({ value }: { value: Json }) {
  if (typeof value === 'string') return <span class="jt-str">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span class="jt-num">{String(value)}</span>;
  if (typeof value === 'boolean') return <span class="jt-bool">{String(value)}</span>;
  return <span class="jt-null">null</span>;
}
