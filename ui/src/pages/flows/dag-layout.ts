/**
 * A flow's DAG laid out in layers, left to right (as Airflow's graph view): a task's
 * layer is the longest path to it from a task without upstreams, so every edge points
 * right. Within a layer tasks are ordered by the mean position of their upstreams (one
 * barycentre sweep), which removes most crossings of the DAGs flows have, and each
 * layer is centred on the tallest. Pure: the component only draws what this returns.
 */

export interface DagTask {
  readonly id: string;
  readonly upstream: readonly string[];
}

export interface DagNode {
  readonly id: string;
  readonly layer: number;
  readonly x: number;
  readonly y: number;
}

export interface DagEdge {
  readonly from: string;
  readonly to: string;
  /** Start (source's right middle) and end (target's left middle). */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface DagLayout {
  readonly nodes: readonly DagNode[];
  readonly edges: readonly DagEdge[];
  readonly width: number;
  readonly height: number;
}

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 36;
const LAYER_GAP = 56;
const ROW_GAP = 16;
const MARGIN = 8;

export function layoutDag(tasks: readonly DagTask[]): DagLayout {
  const known = new Set(tasks.map((t) => t.id));
  const layerOf = new Map<string, number>();
  const depth = (id: string, seen: ReadonlySet<string>): number => {
    const cached = layerOf.get(id);
    if (cached !== undefined) return cached;
    const task = tasks.find((t) => t.id === id);
    // A cycle cannot come from a valid flow; cut it rather than recurse forever.
    const ups = (task?.upstream ?? []).filter((u) => known.has(u) && !seen.has(u));
    const layer = ups.length === 0 ? 0 : 1 + Math.max(...ups.map((u) => depth(u, new Set([...seen, id]))));
    layerOf.set(id, layer);
    return layer;
  };
  for (const task of tasks) depth(task.id, new Set([task.id]));

  const layers: string[][] = [];
  for (const task of tasks) (layers[layerOf.get(task.id)!] ??= []).push(task.id);
  const position = new Map<string, number>();
  layers.forEach((ids, layer) => {
    if (layer > 0) {
      const barycentre = (id: string): number => {
        const ups = tasks.find((t) => t.id === id)!.upstream.filter((u) => position.has(u));
        return ups.length === 0 ? Number.MAX_SAFE_INTEGER : ups.reduce((s, u) => s + position.get(u)!, 0) / ups.length;
      };
      // Stable: ties keep the definition's order.
      const order = ids.map((id, i) => ({ id, i, b: barycentre(id) }));
      order.sort((a, b) => a.b - b.b || a.i - b.i);
      ids.splice(0, ids.length, ...order.map((o) => o.id));
    }
    ids.forEach((id, i) => position.set(id, i));
  });

  const tallest = Math.max(0, ...layers.map((ids) => ids.length));
  const columnHeight = tallest * NODE_HEIGHT + Math.max(0, tallest - 1) * ROW_GAP;
  const nodes: DagNode[] = [];
  layers.forEach((ids, layer) => {
    const own = ids.length * NODE_HEIGHT + (ids.length - 1) * ROW_GAP;
    const top = MARGIN + (columnHeight - own) / 2;
    ids.forEach((id, i) =>
      nodes.push({ id, layer, x: MARGIN + layer * (NODE_WIDTH + LAYER_GAP), y: top + i * (NODE_HEIGHT + ROW_GAP) }),
    );
  });
  const at = new Map(nodes.map((n) => [n.id, n]));
  const edges: DagEdge[] = [];
  for (const task of tasks)
    for (const up of task.upstream) {
      const from = at.get(up);
      const to = at.get(task.id);
      if (from === undefined || to === undefined) continue;
      edges.push({
        from: up,
        to: task.id,
        x1: from.x + NODE_WIDTH,
        y1: from.y + NODE_HEIGHT / 2,
        x2: to.x,
        y2: to.y + NODE_HEIGHT / 2,
      });
    }
  return {
    nodes,
    edges,
    width: layers.length === 0 ? 0 : 2 * MARGIN + layers.length * NODE_WIDTH + (layers.length - 1) * LAYER_GAP,
    height: tallest === 0 ? 0 : 2 * MARGIN + columnHeight,
  };
}
