/**
 * The types propagation passes between its parts (task-propagation.ts, map-expansion.ts,
 * pool promotion): the transaction, a finished task, and what a propagation changed.
 */
import type { Transaction } from 'kysely';
import type { FlowTables } from '../flow-tables.js';
import type { TaskState } from './task-states.js';

export type Trx = Transaction<FlowTables>;

/** A task instance (not a map instance) that reached a finished state. */
export interface FinishedTask {
  readonly taskId: string;
  readonly state: TaskState;
}

/** What a propagation changed, for the caller's follow-ups (pool promotion, wake-ups). */
export interface PropagationEffects {
  queued: number;
  readonly pools: Set<string>;
  readonly endedRuns: number[];
}

export function newEffects(): PropagationEffects {
  return { queued: 0, pools: new Set(), endedRuns: [] };
}
