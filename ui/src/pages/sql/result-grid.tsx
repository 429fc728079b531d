/**
 * A result as a virtualised grid: only the rows in view (and a few around them) are in
 * the DOM, every row has the same height, and a cell's text is computed when its row
 * is drawn, so 100,000 rows scroll as smoothly as 100. Columns have fixed widths from
 * their type (numbers narrow, text wide), so nothing is measured per row.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { columnRole, type ResultColumn } from './choose-chart';

export const ROW_HEIGHT = 28;

export type ResultRow = Readonly<Record<string, unknown>>;

export interface ResultGridProps {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly ResultRow[];
  /** The viewport's height in pixels. */
  readonly height?: number;
  readonly label?: string;
}

function widthOf(column: ResultColumn): number {
  const role = columnRole(column.type);
  const base = role === 'number' ? 110 : role === 'time' ? 190 : 220;
  return Math.max(base, Math.min(320, column.name.length * 9 + 24));
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function ResultGrid({ columns, rows, height = 420, label = 'Query result' }: ResultGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // Before the first measurement (and where there is no layout, as in tests): the given height.
    initialRect: { width: 1200, height },
  });
  const layout = useMemo(() => {
    const widths = columns.map(widthOf);
    return {
      total: widths.reduce((a, b) => a + b, 0) + 64,
      template: `64px ${widths.map((w) => `${w}px`).join(' ')}`,
      numeric: columns.map((c) => columnRole(c.type) === 'number'),
    };
  }, [columns]);
  const { total, template, numeric } = layout;
  const items = virtualizer.getVirtualItems();
  // Rows are keyed by their slot in the window, not their index: scrolling then updates the text of
  // the same elements instead of building new ones, which keeps each frame's work small and garbage-free.
  const slots = Math.max(1, items.length);
  return (
    <div
      ref={scroller}
      className="result-grid"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + 1}
      tabIndex={0}
      style={{ height, overflow: 'auto', position: 'relative' }}
    >
      <div
        role="row"
        aria-rowindex={1}
        className="result-grid-header"
        style={{ gridTemplateColumns: template, width: total }}
      >
        <div role="columnheader" className="result-grid-index">
          #
        </div>
        {columns.map((c, i) => (
          <div role="columnheader" key={i} title={`${c.name} ${c.type}`}>
            {c.name} <span className="muted">{c.type}</span>
          </div>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), width: total, position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              role="row"
              key={item.index % slots}
              aria-rowindex={item.index + 2}
              className="result-grid-row"
              style={{
                gridTemplateColumns: template,
                width: total,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
              }}
            >
              <div role="rowheader" className="result-grid-index">
                {item.index + 1}
              </div>
              {columns.map((c, i) => {
                const value = row[c.name];
                return (
                  <div
                    role="gridcell"
                    key={i}
                    className={value === null || value === undefined ? 'muted' : numeric[i] ? 'num' : undefined}
                  >
                    {cellText(value)}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
