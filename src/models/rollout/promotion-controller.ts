/**
 * The promotion controller: runs monitoring's mSPRT (`decide`) on a model's logged
 * outcomes, one look at a time, and acts on the decision. Every look (statistic,
 * boundary, always-valid p-value, estimate and interval, sample sizes, reason) is recorded
 * with the experiment's state in one transaction, so a crash resumes from the last look.
 *
 * A decision is recorded first (status `promoting` or `rolling_back`) and acted on after
 * (alias, traffic policy, then `promoted`/`rolled_back`/`blocked` with `ended_at`): a
 * crash between the two is finished by the next `look` or `recover`, and the actions are
 * idempotent. Promotion passes the model's validation gate first (`PromotionGate`; a
 * refusal ends the experiment as `blocked` and traffic returns to the champion).
 */
import { randomUUID } from 'node:crypto';
import type { MetaDatabase } from '../../meta/index.js';
import { ModelAlreadyExistsError, ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import {
  decide,
  resumePromotion,
  startPromotion,
  type Observation,
  type PromotionConfig,
  type PromotionResult,
  type PromotionState,
} from '../monitoring/index.js';
import type { AliasStore } from '../registry/alias-store.js';
import type { Clock } from '../tracking/view-type.js';
import type { TrafficPolicyStore } from './policy-store.js';

export const ExperimentStatus = {
  running: 'running',
  promoting: 'promoting',
  rollingBack: 'rolling_back',
  promoted: 'promoted',
  rolledBack: 'rolled_back',
  blocked: 'blocked',
} as const;
export type ExperimentStatus = (typeof ExperimentStatus)[keyof typeof ExperimentStatus];

/** The hook to the model's validation gate (built by serving's gates); the default passes. */
export type PromotionGate = (request: {
  readonly model: string;
  readonly version: number;
  readonly experimentId: string;
}) => Promise<{ readonly passed: boolean; readonly reason: string }>;

export interface Experiment {
  readonly id: string;
  readonly model: string;
  readonly championVersion: number;
  readonly challengerVersion: number;
  readonly status: ExperimentStatus;
  readonly state: PromotionState;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly reason?: string;
}

export interface Look {
  readonly look: number;
  readonly at: number;
  readonly decision: PromotionResult['kind'];
  readonly statistic: number;
  readonly boundary: number;
  readonly pValue: number;
  readonly estimate: number;
  readonly interval: readonly [number | null, number | null];
  readonly championN: number;
  readonly challengerN: number;
  readonly reason: string;
}

export interface StartExperiment {
  readonly model: string;
  readonly config: PromotionConfig;
  /** The challenger's share of traffic (percent) during the test: a `split` policy is set. */
  readonly challengerPercent?: number;
  readonly by: string;
}

type Row = ModelTables['ml_promotion_experiments'];

function toExperiment(r: Row): Experiment {
  return {
    id: r.id,
    model: r.name,
    championVersion: r.champion_version,
    challengerVersion: r.challenger_version,
    status: r.status as ExperimentStatus,
    state: resumePromotion(JSON.parse(r.state)),
    startedAt: Number(r.started_at),
    ...(r.ended_at === null ? {} : { endedAt: Number(r.ended_at) }),
    ...(r.reason === null ? {} : { reason: r.reason }),
  };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export class PromotionController {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly aliases: AliasStore,
    private readonly policies: TrafficPolicyStore,
    private readonly now: Clock,
    private readonly gate: PromotionGate = () => Promise.resolve({ passed: true, reason: 'no validation gate' }),
  ) {}

  /** Starts an experiment between the `champion` and `challenger` aliases' versions. */
  async start(request: StartExperiment): Promise<Experiment> {
    const champion = await this.aliases.versionByAlias(request.model, 'champion');
    const challenger = await this.aliases.versionByAlias(request.model, 'challenger');
    if (champion.version === challenger.version)
      throw new ModelInvalidParameterError(
        `Model ${request.model}: champion and challenger are both version ${champion.version}; register a new version as challenger.`,
        { model: request.model },
      );
    const state = startPromotion(request.config);
    const id = randomUUID();
    const startedAt = this.now();
    try {
      await this.meta.db
        .insertInto('ml_promotion_experiments')
        .values({
          id,
          name: request.model,
          champion_version: champion.version,
          challenger_version: challenger.version,
          status: ExperimentStatus.running,
          state: JSON.stringify(state),
          started_at: startedAt,
          ended_at: null,
          reason: null,
        })
        .execute();
    } catch (e) {
      if ((await this.running(request.model)) !== undefined)
        throw new ModelAlreadyExistsError(`Model ${request.model} already has a promotion experiment running.`, {
          model: request.model,
        });
      throw e;
    }
    if (request.challengerPercent !== undefined) {
      const share = request.challengerPercent;
      await this.policies.set(
        request.model,
        {
          kind: 'split',
          versions: [
            { version: champion.version, weight: 100 - share },
            { version: challenger.version, weight: share },
          ],
        },
        { by: request.by, reason: `experiment ${id}: ${share}% to the challenger` },
      );
    }
    return this.get(id);
  }

  async get(id: string): Promise<Experiment> {
    const row = await this.meta.db
      .selectFrom('ml_promotion_experiments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new ModelNotFoundError(`Promotion experiment ${id} not found.`, { id });
    return toExperiment(row);
  }

  /** The model's unfinished experiment, if any. */
  async running(model: string): Promise<Experiment | undefined> {
    const row = await this.meta.db
      .selectFrom('ml_promotion_experiments')
      .selectAll()
      .where('name', '=', model)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return row === undefined ? undefined : toExperiment(row);
  }

  /** Every experiment of a model, newest first: the history of promotions and rollbacks. */
  async list(model: string): Promise<readonly Experiment[]> {
    const rows = await this.meta.db
      .selectFrom('ml_promotion_experiments')
      .selectAll()
      .where('name', '=', model)
      .orderBy('started_at', 'desc')
      .execute();
    return rows.map(toExperiment);
  }

  async looks(id: string): Promise<readonly Look[]> {
    const rows = await this.meta.db
      .selectFrom('ml_promotion_looks')
      .selectAll()
      .where('experiment_id', '=', id)
      .orderBy('look')
      .execute();
    return rows.map((r) => ({
      look: r.look,
      at: Number(r.at),
      decision: r.decision as Look['decision'],
      statistic: r.statistic,
      boundary: r.boundary,
      pValue: r.p_value,
      estimate: r.estimate,
      interval: [r.lower, r.upper],
      championN: r.champion_n,
      challengerN: r.challenger_n,
      reason: r.reason,
    }));
  }

  /**
   * One look: folds `observations` (outcomes and requests logged since the last look) into
   * the recorded state, decides, records, and acts. A finished experiment only repeats its end.
   */
  async look(id: string, observations: readonly Observation[]): Promise<Experiment> {
    const at = this.now();
    const decided = await this.meta.transaction(async (trx) => {
      const row = await trx
        .selectFrom('ml_promotion_experiments')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (row === undefined) throw new ModelNotFoundError(`Promotion experiment ${id} not found.`, { id });
      if (row.status !== ExperimentStatus.running) return toExperiment(row);
      const result = decide(resumePromotion(JSON.parse(row.state)), observations);
      await trx
        .insertInto('ml_promotion_looks')
        .values({
          experiment_id: id,
          look: result.state.looks,
          at,
          decision: result.kind,
          statistic: result.statistic,
          boundary: result.boundary,
          p_value: result.pValue,
          estimate: result.estimate,
          lower: finite(result.interval[0]),
          upper: finite(result.interval[1]),
          champion_n: result.state.champion.n,
          challenger_n: result.state.challenger.n,
          reason: result.reason,
        })
        .execute();
      const status =
        result.kind === 'promote'
          ? ExperimentStatus.promoting
          : result.kind === 'rollback'
            ? ExperimentStatus.rollingBack
            : ExperimentStatus.running;
      const updated = { ...row, status, state: JSON.stringify(result.state), reason: result.reason };
      await trx
        .updateTable('ml_promotion_experiments')
        .set({ status, state: updated.state, reason: updated.reason })
        .where('id', '=', id)
        .execute();
      return toExperiment(updated);
    });
    return this.act(decided);
  }

  /** Finishes decided experiments whose action a crash interrupted (call at start-up). */
  async recover(model: string): Promise<Experiment | undefined> {
    const open = await this.running(model);
    return open === undefined ? undefined : this.act(open);
  }

  private async act(experiment: Experiment): Promise<Experiment> {
    const { id, model, championVersion, challengerVersion } = experiment;
    if (experiment.status === ExperimentStatus.promoting) {
      const verdict = await this.gate({ model, version: challengerVersion, experimentId: id });
      if (!verdict.passed) {
        await this.toFull(model, championVersion, `experiment ${id}: validation gate refused: ${verdict.reason}`);
        return this.end(id, ExperimentStatus.blocked, `validation gate refused: ${verdict.reason}`);
      }
      await this.aliases.setAlias(model, 'champion', challengerVersion);
      await this.toFull(model, challengerVersion, `experiment ${id}: promoted (${experiment.reason ?? ''})`);
      return this.end(id, ExperimentStatus.promoted, experiment.reason ?? 'promoted');
    }
    if (experiment.status === ExperimentStatus.rollingBack) {
      await this.toFull(model, championVersion, `experiment ${id}: rolled back (${experiment.reason ?? ''})`);
      return this.end(id, ExperimentStatus.rolledBack, experiment.reason ?? 'rolled back');
    }
    return experiment;
  }

  private async toFull(model: string, version: number, reason: string): Promise<void> {
    const current = await this.policies.current(model);
    if (current?.policy.kind === 'full' && current.policy.version === version) return;
    await this.policies.set(model, { kind: 'full', version }, { by: 'promotion-controller', reason });
  }

  private async end(id: string, status: ExperimentStatus, reason: string): Promise<Experiment> {
    await this.meta.db
      .updateTable('ml_promotion_experiments')
      .set({ status, ended_at: this.now(), reason })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
    return this.get(id);
  }
}
