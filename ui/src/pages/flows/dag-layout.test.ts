import { describe, expect, it } from 'vitest';
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from './dag-layout';

describe('layoutDag', () => {
  it('puts each task one layer right of its deepest upstream, so every edge points right', () => {
    const layout = layoutDag([
      { id: 'a', upstream: [] },
      { id: 'b', upstream: ['a'] },
      { id: 'c', upstream: ['a'] },
      { id: 'd', upstream: ['b', 'c'] },
      { id: 'e', upstream: ['a', 'd'] },
    ]);
    const layer = Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]));
    expect(layer).toEqual({ a: 0, b: 1, c: 1, d: 2, e: 3 });
    expect(layout.edges).toHaveLength(6);
    for (const edge of layout.edges) expect(edge.x2).toBeGreaterThan(edge.x1);
    // Nodes never overlap, and all fit the reported size.
    for (const n of layout.nodes) {
      expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width);
      expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
      for (const m of layout.nodes)
        if (m !== n && m.layer === n.layer) expect(Math.abs(m.y - n.y)).toBeGreaterThanOrEqual(NODE_HEIGHT);
    }
  });

  it('orders a layer by its upstreams so two parallel chains do not cross', () => {
    const layout = layoutDag([
      { id: 'x', upstream: [] },
      { id: 'y', upstream: [] },
      { id: 'after_y', upstream: ['y'] },
      { id: 'after_x', upstream: ['x'] },
    ]);
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]));
    expect(y.after_x).toBe(y.x);
    expect(y.after_y).toBe(y.y);
  });

  it('centres a short layer on the tallest and handles an empty flow', () => {
    const layout = layoutDag([
      { id: 'a', upstream: [] },
      { id: 'b', upstream: [] },
      { id: 'c', upstream: ['a', 'b'] },
    ]);
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect(at.c!.y).toBe((at.a!.y + at.b!.y) / 2);
    expect(layoutDag([])).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
  });

  it('ignores upstreams that are not tasks of the flow', () => {
    const layout = layoutDag([{ id: 'a', upstream: ['gone'] }]);
    expect(layout.nodes).toEqual([expect.objectContaining({ id: 'a', layer: 0 })]);
    expect(layout.edges).toEqual([]);
  });
});
