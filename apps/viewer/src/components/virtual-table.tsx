import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualItem,
  Virtualizer,
} from '@tanstack/virtual-core';
import { Component, type ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';

export interface TableColumn {
  key: string;
  label: string;
  /** CSS class on header and cells (widths and alignment live in the stylesheet). */
  className: string;
  render(row: number): ComponentChild;
  /** Tooltip of the header cell. */
  title?: string;
  /** Show each cell's text as its tooltip (columns whose text may be cut with an ellipsis). */
  tooltip?: boolean;
}

export interface VirtualTableProps {
  rowCount: number;
  /** Keep the array (and `rowClass`) stable between renders (useMemo): rows re-render only when they change. */
  columns: TableColumn[];
  /** Selected row (index into the rows of this table), -1 none. */
  selected: number;
  onSelect(row: number): void;
  rowClass?(row: number): string;
  /** Anything that changes the rows' content (re-renders the visible rows when it changes). */
  version: unknown;
  /** CSS class of the table (grid template of the rows). */
  className: string;
  testId: string;
  emptyText?: string;
}

/** Fixed row height in px (also in styles.css, `.vtable-body .vrow`): rows are never measured. */
export const ROW_HEIGHT = 22;
/** Rows rendered beyond each edge of the viewport; rendering happens before paint, so few are needed. */
const OVERSCAN = 4;

interface RowProps {
  row: number;
  selected: boolean;
  columns: TableColumn[];
  rowClass: ((row: number) => string) | undefined;
  version: unknown;
}

/**
 * One row. Memoised: with stable `columns`/`rowClass`, a row re-renders only when its index, its selection or
 * the data version changes (a selection change re-renders two rows, not the table).
 */
class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      next.row !== p.row ||
      next.selected !== p.selected ||
      next.version !== p.version ||
      next.columns !== p.columns ||
      next.rowClass !== p.rowClass
    );
  }
  override render({ row, selected, columns, rowClass }: RowProps) {
    const extra = rowClass ? rowClass(row) : '';
    return (
      <div
        class={`vrow${selected ? ' selected' : ''}${extra ? ` ${extra}` : ''}`}
        data-row={row}
        style={{ transform: `translateY(${row * ROW_HEIGHT}px)` }}
      >
        {columns.map((c) => {
          const content = c.render(row);
          return (
            <div key={c.key} class={`vcell ${c.className}`} title={c.tooltip ? String(content ?? '') : undefined}>
              {content}
            </div>
          );
        })}
      </div>
    );
  }
}

/**
 * A virtualised table on @tanstack/virtual-core: only the rows in view (plus a small overscan) exist in the DOM,
 * so the cost of a render does not depend on the number of rows. Rows have a fixed height (no measuring) and are
 * absolutely positioned with a transform. The row elements are recycled: row `i` is rendered in slot
 * `i % slots`, so scrolling updates the text and the transform of existing elements instead of removing and
 * creating elements (the DOM order of the slots is stable; `data-row` gives each row's index).
 */
export function VirtualTable(props: VirtualTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLDivElement, HTMLDivElement>({
        count: props.rowCount,
        getScrollElement: () => scrollRef.current,
        estimateSize: () => ROW_HEIGHT,
        overscan: OVERSCAN,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => rerender(0),
      }),
  );
  if (virtualizer.options.count !== props.rowCount) {
    virtualizer.setOptions({ ...virtualizer.options, count: props.rowCount });
  }

  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });

  const lastSelected = useRef(-1);
  useEffect(() => {
    if (props.selected >= 0 && props.selected !== lastSelected.current) {
      virtualizer.scrollToIndex(props.selected, { align: 'auto' });
    }
    lastSelected.current = props.selected;
  }, [props.selected, virtualizer]);

  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;
  const [onBodyClick] = useState(() => (e: MouseEvent) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
    if (row) onSelect.current(Number(row.dataset.row));
  });

  const items: VirtualItem[] = virtualizer.getVirtualItems();
  // The slot count only grows (a taller viewport), so a row keeps its element while it stays in view.
  const slotCount = useRef(0);
  if (items.length > slotCount.current) slotCount.current = items.length;
  const n = slotCount.current;
  const slots: (number | undefined)[] = new Array(n);
  for (const item of items) slots[item.index % n] = item.index;
  return (
    <div class={`vtable ${props.className}`} data-testid={props.testId}>
      <div class="vtable-head vrow">
        {props.columns.map((c) => (
          <div key={c.key} class={`vcell ${c.className}`} title={c.title}>
            {c.label}
          </div>
        ))}
      </div>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions lint/a11y/noNoninteractiveTabindex: rows are selected from the keyboard with j/k (global handler); the body scrolls with the keyboard when focused */}
      <div class="vtable-body" ref={scrollRef} tabIndex={0} onClick={onBodyClick}>
        {props.rowCount === 0 ? <div class="vtable-empty">{props.emptyText ?? 'No rows'}</div> : null}
        <div class="vtable-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {Array.from(slots, (row, slot) =>
            row === undefined ? null : (
              <Row
                key={slot}
                row={row}
                selected={row === props.selected}
                columns={props.columns}
                rowClass={props.rowClass}
                version={props.version}
              />
            ),
          )}
        </div>
      </div>
    </div>
  );
}
