/**
 * The tracking and registry stores of one warehouse over its metadata database, and its
 * artifact store. `open` migrates the module's tables first (idempotent), as every
 * module handed an open database does.
 */
import type { MetaDatabase } from '../meta/index.js';
import { ModelGateRefusedError } from './errors.js';
import { GateStore, GUARDED_ALIAS } from './gates/gate-store.js';
import { LineageStore } from './lineage/lineage-store.js';
import { MODEL_MIGRATIONS } from './migrations/model-migrations.js';
import type { ModelTables } from './model-tables.js';
import { AliasStore } from './registry/alias-store.js';
import { RegistryStore } from './registry/registry-store.js';
import { TrafficPolicyStore } from './rollout/policy-store.js';
import { PromotionController, type PromotionGate } from './rollout/promotion-controller.js';
import { ArtifactStore } from './tracking/artifact-store.js';
import { ExperimentStore } from './tracking/experiment-store.js';
import { RunLogStore } from './tracking/run-log-store.js';
import { RunStore } from './tracking/run-store.js';
import type { Clock } from './tracking/view-type.js';
import type { ObjectStore } from '../storage/index.js';

export interface ModelStoresOptions {
  /** The object store artifacts go to (e.g. `openStore('<warehouse>/artifacts')`). */
  readonly artifacts: ObjectStore;
  readonly clock?: Clock;
  /** The check a challenger passes before it becomes champion (default: the model's validation gate, when it has one). */
  readonly promotionGate?: PromotionGate;
  /** How long a traffic policy is cached before another process's change is seen (default 1 s). */
  readonly policyCacheMs?: number;
}

export class ModelStores {
  readonly experiments: ExperimentStore;
  readonly runs: RunStore;
  readonly logs: RunLogStore;
  readonly registry: RegistryStore;
  /** Aliases, stages and `models:/` URIs. */
  readonly aliases: AliasStore;
  readonly artifacts: ArtifactStore;
  /** What each run trained on; versions inherit their run's. */
  readonly lineage: LineageStore;
  /** Validation gates and their decisions; `gates.setAlias` is the alias change that honours them. */
  readonly gates: GateStore;
  /** Traffic policies per model (shadow, split, full) and their changes. */
  readonly policies: TrafficPolicyStore;
  /** Champion/challenger experiments: looks, decisions, alias moves and rollbacks. */
  readonly promotions: PromotionController;

  private constructor(meta: MetaDatabase<ModelTables>, options: ModelStoresOptions) {
    const now = options.clock ?? Date.now;
    this.experiments = new ExperimentStore(meta, now);
    this.runs = new RunStore(meta, this.experiments, now);
    this.logs = new RunLogStore(meta, this.runs);
    this.registry = new RegistryStore(meta, now);
    this.aliases = new AliasStore(meta, this.registry, now);
    this.artifacts = new ArtifactStore(options.artifacts);
    this.lineage = new LineageStore(meta, this.runs, this.registry, now);
    this.gates = new GateStore(meta, this.registry, this.aliases, now);
    this.policies = new TrafficPolicyStore(meta, this.registry, now, options.policyCacheMs);
    this.promotions = new PromotionController(
      meta,
      this.aliases,
      this.policies,
      now,
      options.promotionGate ?? ((request) => gateVerdict(this.gates, request.model, request.version)),
    );
  }

  static async open(meta: MetaDatabase, options: ModelStoresOptions): Promise<ModelStores> {
    await meta.migrate([MODEL_MIGRATIONS]);
    return new ModelStores(meta.withTables<ModelTables>(), options);
  }
}

/** A promotion passes exactly when the alias route would let the version take `champion`. */
async function gateVerdict(
  gates: GateStore,
  model: string,
  version: number,
): Promise<{ readonly passed: boolean; readonly reason: string }> {
  try {
    await gates.checkAlias(model, GUARDED_ALIAS, version);
    return { passed: true, reason: 'validation gate passed (or none set)' };
  } catch (error) {
    if (error instanceof ModelGateRefusedError) return { passed: false, reason: error.message };
    throw error;
  }
}
