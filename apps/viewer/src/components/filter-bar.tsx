import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { TYPE_NAMES } from '../format.js';
import type { FileSession } from '../state/session.js';
import type { TraceFilter } from '../state/trace-filter.js';

export interface FilterBarProps {
  session: FileSession;
  filter: TraceFilter;
  onChange(filter: TraceFilter): void;
  searchRef: RefObject<HTMLInputElement>;
  track: string;
  onClearTrack(): void;
  shown: number;
}

const numOrNaN = (text: string) => (text.trim() === '' || Number.isNaN(Number(text)) ? Number.NaN : Number(text));
const showNum = (n: number) => (Number.isNaN(n) ? '' : String(n));

export function FilterBar({ session, filter, onChange, searchRef, track, onClearTrack, shown }: FilterBarProps) {
  const [text, setText] = useState(filter.text);
  useEffect(() => setText(filter.text), [filter.text]);
  // Debounced text search.
  useEffect(() => {
    if (text === filter.text) return undefined;
    const timer = setTimeout(() => onChange({ ...filter, text }), 150);
    return () => clearTimeout(timer);
  }, [text, filter, onChange]);
  const typeValue = filter.types.length === 1 ? String(filter.types[0]) : filter.types.length ? 'multi' : '';
  return (
    <div class="filterbar" data-testid="filter-bar">
      <input
        ref={searchRef}
        type="search"
        placeholder="Search (press /)"
        data-testid="filter-text"
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
      />
      <select
        data-testid="filter-type"
        value={typeValue}
        aria-label="Event type"
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          onChange({ ...filter, types: v === '' ? [] : v === 'multi' ? filter.types : [Number(v)] });
        }}
      >
        <option value="">all types</option>
        {typeValue === 'multi' ? <option value="multi">{filter.types.length} types</option> : null}
        {TYPE_NAMES.map((name, i) => (
          <option key={name} value={String(i)}>
            {name}
          </option>
        ))}
        <option value="255">unknown</option>
      </select>
      <select
        data-testid="filter-dir"
        aria-label="Direction"
        value={String(filter.dir)}
        onChange={(e) => onChange({ ...filter, dir: Number((e.currentTarget as HTMLSelectElement).value) })}
      >
        <option value="-1">both directions</option>
        <option value="0">→ sent / outgoing</option>
        <option value="1">← received / incoming</option>
      </select>
      <label class="inline">
        stream
        <input
          type="text"
          inputMode="numeric"
          size={6}
          data-testid="filter-stream"
          value={showNum(filter.sid)}
          onChange={(e) => onChange({ ...filter, sid: numOrNaN((e.currentTarget as HTMLInputElement).value) })}
        />
      </label>
      <label class="inline">
        from
        <input
          type="text"
          inputMode="decimal"
          size={7}
          data-testid="filter-from"
          value={showNum(filter.from)}
          onChange={(e) => onChange({ ...filter, from: numOrNaN((e.currentTarget as HTMLInputElement).value) })}
        />
      </label>
      <label class="inline">
        to
        <input
          type="text"
          inputMode="decimal"
          size={7}
          data-testid="filter-to"
          value={showNum(filter.to)}
          onChange={(e) => onChange({ ...filter, to: numOrNaN((e.currentTarget as HTMLInputElement).value) })}
        />
        s
      </label>
      {track ? (
        <span class="chip" data-testid="filter-track" title={`track ${track}`}>
          <span class="chip-text">track {track}</span>
          <button type="button" aria-label="Clear track filter" onClick={onClearTrack}>
            ×
          </button>
        </span>
      ) : null}
      <span class="muted" data-testid="shown-count">
        {shown.toLocaleString('en-US')} of {session.trace.length.toLocaleString('en-US')}
      </span>
    </div>
  );
}
