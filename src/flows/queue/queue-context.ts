/**
 * What every queue operation needs: the metadata database, the plan cache, and the
 * notifier that wakes workers. Queue operations are plain functions over this
 * context, each one transaction, so the scheduler, workers and CLI share them.
 */
import type { Kysely, Transaction } from 'kysely';
import { hasPgErrorCode, PgErrorCode, type MetaTables } from '../../meta/index.js';
import type { FlowMeta, FlowTables } from '../flow-tables.js';
import { indexPlan, type FlowPlan, type IndexedPlan } from '../definition/flow-plan.js';
import type { Notifier } from './notifier.js';
import type { PolicyOptions } from '../scheduling/priority-policy.js';

export type Db = Kysely<FlowTables> | Transaction<FlowTables>;

export interface QueueContext {
  readonly meta: FlowMeta;
  readonly plans: PlanCache;
  readonly notifier: Notifier;
  /** The claim order (queue/claim-order.ts); default the prediction-driven policy. */
  readonly policy?: PolicyOptions;
}

/** Plans by (flow, version hash): immutable once stored, so cached forever. */
export class PlanCache {
  readonly #plans = new Map<string, IndexedPlan>();

  async get(db: Db, flowId: string, hash: string): Promise<IndexedPlan> {
    const key = `${flowId}@${hash}`;
    const cached = this.#plans.get(key);
    if (cached !== undefined) return cached;
    const row = await db
      .selectFrom('flow_versions')
      .select('plan')
      .where('flow_id', '=', flowId)
      .where('version_hash', '=', hash)
      .executeTakeFirst();
    if (row === undefined) throw new Error(`internal: flow version ${key} is not stored`);
    const indexed = indexPlan(row.plan as FlowPlan, hash);
    this.#plans.set(key, indexed);
    return indexed;
  }

  remember(indexed: IndexedPlan): void {
    this.#plans.set(`${indexed.plan.flowId}@${indexed.hash}`, indexed);
  }
}

/**
 * Runs `fn` in a transaction, retrying when PostgreSQL aborts it for a deadlock or a
 * serialization failure (two workers completing tasks with a shared downstream can
 * lock its row in opposite orders; one of them is retried whole).
 */
export async function inTransaction<T>(
  meta: FlowMeta,
  fn: (trx: Transaction<MetaTables & FlowTables>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await meta.transaction(fn);
    } catch (error) {
      const retryable =
        hasPgErrorCode(error, PgErrorCode.deadlockDetected) || hasPgErrorCode(error, PgErrorCode.serializationFailure);
      if (!retryable || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
