/** Small shared pieces of the tracking stores. */
import type { ViewType } from './tracking-types.js';

/** Epoch milliseconds; injectable so tests can order runs without sleeping. */
export type Clock = () => number;

/** The lifecycle stages a search with this view type sees. */
export function stagesOf(viewType: ViewType | undefined): string[] {
  if (viewType === 'ALL') return ['active', 'deleted'];
  return viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
}
