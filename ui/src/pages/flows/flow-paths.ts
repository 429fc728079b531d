/** The Flows page's deep links: `/flows`, `/flows/<id>`, `/flows/<id>/runs/<runId>?task=<taskId>`. */
import { pathWith } from '../../router/router';

export function flowPath(flowId?: string, runId?: number, taskId?: string): string {
  if (flowId === undefined) return '/flows';
  const base = `/flows/${encodeURIComponent(flowId)}`;
  if (runId === undefined) return base;
  return pathWith(`${base}/runs/${runId}`, { task: taskId ?? null });
}

export type FlowsView =
  | { readonly kind: 'list' }
  | { readonly kind: 'flow'; readonly flowId: string }
  | { readonly kind: 'run'; readonly flowId: string; readonly runId: number }
  | { readonly kind: 'unknown' };

/** The view of a path under `/flows`. */
export function flowsViewOf(pathname: string): FlowsView {
  const rest = pathname
    .replace(/^\/flows\/?/, '')
    .split('/')
    .filter((part) => part !== '');
  try {
    return flowsView(rest.map(decodeURIComponent));
  } catch {
    // A malformed escape (%zz) names nothing.
    return { kind: 'unknown' };
  }
}

/** The view of the path segments after `/flows`. */
export function flowsView(rest: readonly string[]): FlowsView {
  if (rest.length === 0) return { kind: 'list' };
  if (rest.length === 1) return { kind: 'flow', flowId: rest[0]! };
  if (rest.length === 3 && rest[1] === 'runs' && /^[1-9]\d*$/.test(rest[2]!))
    return { kind: 'run', flowId: rest[0]!, runId: Number(rest[2]) };
  return { kind: 'unknown' };
}
