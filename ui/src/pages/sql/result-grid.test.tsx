import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROW_HEIGHT, ResultGrid, cellText } from './result-grid';

afterEach(cleanup);

// happy-dom has no layout: give the grid's viewport the size a browser would (its style's height).
const sizes = ['clientHeight', 'clientWidth'] as const;
const saved = sizes.map((name) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
beforeAll(() => {
  for (const name of sizes)
    Object.defineProperty(HTMLElement.prototype, name, {
      configurable: true,
      get(this: HTMLElement) {
        if (this.getAttribute('role') !== 'grid') return 0;
        return name === 'clientHeight' ? parseInt(this.style.height, 10) : 1200;
      },
    });
});
afterAll(() => {
  sizes.forEach((name, i) => {
    if (saved[i]) Object.defineProperty(HTMLElement.prototype, name, saved[i]);
  });
});

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'label', type: 'VARCHAR' },
];
const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i + 1, label: i % 7 === 0 ? null : `row ${i + 1}` }));

function shownIds(): number[] {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map((row) => Number(row.querySelector('[role="rowheader"]')!.textContent));
}

describe('ResultGrid', () => {
  it('renders only the visible rows of 100,000', () => {
    render(<ResultGrid columns={columns} rows={rows} height={280} />);
    const grid = screen.getByRole('grid', { name: 'Query result' });
    expect(grid.getAttribute('aria-rowcount')).toBe('100001');
    const ids = shownIds();
    // 280 px of 28 px rows is 10, plus the overscan below: never thousands.
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect(ids.length).toBeLessThan(30);
    expect(ids[0]).toBe(1);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['#', 'id BIGINT', 'label VARCHAR']);
  });

  it('changes the rendered rows as it scrolls', async () => {
    render(<ResultGrid columns={columns} rows={rows} height={280} />);
    const grid = screen.getByRole('grid');
    await act(async () => {
      grid.scrollTop = 50_000 * ROW_HEIGHT;
      fireEvent.scroll(grid);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const ids = shownIds();
    expect(ids).toContain(50_001);
    expect(ids).not.toContain(1);
    expect(ids.length).toBeLessThan(30);
    const row = screen.getAllByRole('row').find((r) => r.getAttribute('aria-rowindex') === String(50_001 + 1))!;
    expect(row.textContent).toContain('row 50001');
  });

  it('shows NULL and nested values as text', () => {
    expect([cellText(null), cellText({ a: 1 }), cellText(1.5), cellText('x')]).toEqual(['NULL', '{"a":1}', '1.5', 'x']);
  });
});
