import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualItem,
  Virtualizer,
} from '@tanstack/virtual-core';
import type { ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';

export interface TableColumn {
  key: string;
  label: string;
  /** CSS class on header and cells (widths and alignment live in the stylesheet). */
  className: string;
  render(row: number): ComponentChild;
  title?: string;
}

export interface VirtualTableProps {
  rowCount: number;
  columns: TableColumn[];
  /** Selected row (index into the rows of this table), -1 none. */
  selected: number;
  onSelect(row: number): void;
  rowClass?(row: number): string;
  /** Anything that changes the rows' content (triggers a re-render of the visible window). */
  version: unknown;
  /** CSS class of the table (grid template of the rows). */
  className: string;
  testId: string;
  emptyText?: string;
}

const ROW_HEIGHT = 22;

/**
 * A virtualised table on @tanstack/virtual-core: only the rows in view (plus overscan) exist in the DOM, so the
 * cost of a render does not depend on the number of rows.
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
        overscan: 12,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => rerender(0),
      }),
  );
  virtualizer.setOptions({
    ...virtualizer.options,
    count: props.rowCount,
    onChange: () => rerender(0),
  });

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

  const onBodyClick = (e: MouseEvent) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
    if (row) props.onSelect(Number(row.dataset.row));
  };
  const items: VirtualItem[] = virtualizer.getVirtualItems();
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
          {items.map((item) => {
            const row = item.index;
            const extra = props.rowClass ? props.rowClass(row) : '';
            return (
              <div
                key={row}
                class={`vrow${row === props.selected ? ' selected' : ''}${extra ? ` ${extra}` : ''}`}
                data-row={row}
                style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
              >
                {props.columns.map((c) => (
                  <div key={c.key} class={`vcell ${c.className}`}>
                    {c.render(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
