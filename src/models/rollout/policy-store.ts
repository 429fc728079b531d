/**
 * Traffic policies in the models module's metadata: the current one per model and every
 * change (who, when, why), numbered by revision. A change takes effect without a restart:
 * serving reads the policy through a short cache (1 s by default, so other processes see
 * a change within that; this process sees its own at once).
 */
import { Cache } from '../../core/index.js';
import type { MetaDatabase } from '../../meta/index.js';
import type { ModelTables } from '../model-tables.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { Clock } from '../tracking/view-type.js';
import { routeRequest, type Route } from './route-request.js';
import { parseTrafficPolicy, policyVersions, type TrafficPolicy } from './traffic-policy.js';

export interface PolicyChange {
  readonly name: string;
  readonly revision: number;
  readonly policy: TrafficPolicy;
  readonly changedAt: number;
  readonly changedBy: string;
  readonly reason: string;
}

export interface CurrentPolicy {
  readonly revision: number;
  readonly policy: TrafficPolicy;
}

export class TrafficPolicyStore {
  readonly #cache: Cache<string, Promise<CurrentPolicy | undefined>>;

  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly registry: RegistryStore,
    private readonly now: Clock,
    cacheMs = 1000,
  ) {
    this.#cache = new Cache({ maxEntries: 1000, ttlMs: cacheMs });
  }

  /** Sets a model's policy (every version it names must exist) and records the change. */
  async set(
    name: string,
    policy: unknown,
    change: { readonly by: string; readonly reason: string },
  ): Promise<PolicyChange> {
    const parsed = parseTrafficPolicy(policy);
    for (const version of policyVersions(parsed)) await this.registry.getVersion(name, version);
    const text = JSON.stringify(parsed);
    const time = this.now();
    const revision = await this.meta.transaction(async (trx) => {
      // The row lock orders concurrent changes of one model: revisions stay gapless.
      const current = await trx
        .selectFrom('ml_traffic_policies')
        .select('revision')
        .where('name', '=', name)
        .forUpdate()
        .executeTakeFirst();
      const next = (current?.revision ?? 0) + 1;
      await trx
        .insertInto('ml_traffic_policy_changes')
        .values({ name, revision: next, policy: text, changed_at: time, changed_by: change.by, reason: change.reason })
        .execute();
      await trx
        .insertInto('ml_traffic_policies')
        .values({ name, revision: next, policy: text, updated_at: time })
        .onConflict((c) => c.column('name').doUpdateSet({ revision: next, policy: text, updated_at: time }))
        .execute();
      return next;
    });
    this.#cache.delete(name);
    return { name, revision, policy: parsed, changedAt: time, changedBy: change.by, reason: change.reason };
  }

  /** The current policy, or undefined when the model has none (serve its champion). */
  current(name: string): Promise<CurrentPolicy | undefined> {
    return this.#cache.getOrSet(name, async () => {
      const row = await this.meta.db
        .selectFrom('ml_traffic_policies')
        .select(['revision', 'policy'])
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { revision: row.revision, policy: parseTrafficPolicy(JSON.parse(row.policy)) };
    });
  }

  /** Every change of a model's policy, oldest first. */
  async history(name: string): Promise<readonly PolicyChange[]> {
    const rows = await this.meta.db
      .selectFrom('ml_traffic_policy_changes')
      .selectAll()
      .where('name', '=', name)
      .orderBy('revision')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      revision: r.revision,
      policy: parseTrafficPolicy(JSON.parse(r.policy)),
      changedAt: Number(r.changed_at),
      changedBy: r.changed_by,
      reason: r.reason,
    }));
  }

  /** Where a request with `key` goes under the model's current policy; undefined without one. */
  async route(name: string, key: string): Promise<Route | undefined> {
    const current = await this.current(name);
    return current === undefined ? undefined : routeRequest(current.policy, key, name);
  }
}
