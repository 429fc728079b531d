/**
 * Runs: create, read, update (status, end time, name), delete and restore (soft), and
 * search. A page of a search is one SQL query over the runs and the latest metrics,
 * params and tags (search-sql.ts), paged by offset tokens; nothing is filtered in
 * JavaScript. Ordered by a metric, param or tag, a page that reaches the runs without
 * that key takes a second query for them.
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import { ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import type { ExperimentStore } from './experiment-store.js';
import { readRuns } from './run-reader.js';
import { parseFilter, parseOrderBy, type FilterDialect } from './search-filter.js';
import {
  decodePageToken,
  decodePhasedToken,
  encodePageToken,
  missingKeySql,
  orderSql,
  whereSql,
  type OrderSql,
  type SearchTarget,
} from './search-sql.js';
import { checkKey, checkValue } from './tracking-limits.js';
import { RunStatus, type KeyValue, type Page, type Run, type RunInfo, type SearchOptions } from './tracking-types.js';
import { stagesOf, type Clock } from './view-type.js';

const RUN_DIALECT: FilterDialect = {
  entities: ['metric', 'param', 'tag', 'attribute'],
  attributes: {
    run_id: 'string',
    run_name: 'string',
    status: 'string',
    user_id: 'string',
    artifact_uri: 'string',
    start_time: 'number',
    end_time: 'number',
    created: 'number',
  },
  listEntities: ['attribute', 'tag'],
};
const RUN_TARGET: SearchTarget = {
  alias: 'r',
  idColumns: ['run_uuid'],
  tables: { metric: 'ml_latest_metrics', param: 'ml_params', tag: 'ml_run_tags' },
  columns: {
    run_id: 'run_uuid',
    run_name: 'run_name',
    status: 'status',
    user_id: 'user_id',
    artifact_uri: 'artifact_uri',
    start_time: 'start_time',
    end_time: 'end_time',
    created: 'start_time',
  },
};
type RunRow = ModelTables['ml_runs'];
const TIEBREAK = 'r.start_time desc, r.run_uuid asc';
/** MLflow's most runs one search may return. */
export const SEARCH_MAX_RESULTS = 50_000;

export interface CreateRun {
  readonly experimentId?: string;
  readonly userId?: string;
  readonly runName?: string;
  readonly startTime?: number;
  readonly tags?: readonly KeyValue[];
}

export class RunStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly experiments: ExperimentStore,
    private readonly now: Clock,
  ) {}

  async create(options: CreateRun): Promise<Run> {
    const experiment = await this.experiments.get(options.experimentId ?? '0');
    if (experiment.lifecycleStage !== 'active') {
      throw new ModelInvalidParameterError(
        `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
      );
    }
    const tags = options.tags ?? [];
    for (const tag of tags) checkValue('tag', checkKey('tag', tag.key), tag.value);
    const runId = randomUUID().replaceAll('-', '');
    const runName =
      options.runName || tags.find((t) => t.key === 'mlflow.runName')?.value || `run-${runId.slice(0, 8)}`;
    const allTags = [...tags.filter((t) => t.key !== 'mlflow.runName'), { key: 'mlflow.runName', value: runName }];
    await this.meta.transaction(async (trx) => {
      await trx
        .insertInto('ml_runs')
        .values({
          run_uuid: runId,
          experiment_id: experiment.experimentId,
          run_name: runName,
          user_id: options.userId ?? '',
          status: 'RUNNING',
          start_time: options.startTime ?? this.now(),
          end_time: null,
          lifecycle_stage: 'active',
          artifact_uri: `${experiment.artifactLocation}/${runId}/artifacts`,
        })
        .execute();
      await trx
        .insertInto('ml_run_tags')
        .values(allTags.map((t) => ({ run_uuid: runId, ...t })))
        .execute();
    });
    return this.get(runId);
  }

  async get(runId: string): Promise<Run> {
    const [run] = await readRuns(this.meta.db, await this.rows([runId]));
    if (run === undefined) throw new ModelNotFoundError(`Run with id=${runId} not found`, { runId });
    return run;
  }

  /** The run's info, refusing a deleted run when `active` is asked (writes need an active run). */
  async info(runId: string, active = false): Promise<RunInfo> {
    const run = await this.get(runId);
    if (active && run.info.lifecycleStage !== 'active') {
      throw new ModelInvalidParameterError(
        `The run ${runId} must be in the 'active' state. Current state is ${run.info.lifecycleStage}.`,
        { runId },
      );
    }
    return run.info;
  }

  async update(runId: string, change: { status?: string; endTime?: number; runName?: string }): Promise<RunInfo> {
    await this.info(runId, true);
    if (change.status !== undefined && !(RunStatus as readonly string[]).includes(change.status)) {
      throw new ModelInvalidParameterError(`Invalid run status '${change.status}'; one of ${RunStatus.join(', ')}.`);
    }
    await this.meta.transaction(async (trx) => {
      await trx
        .updateTable('ml_runs')
        .set({
          ...(change.status === undefined ? {} : { status: change.status }),
          ...(change.endTime === undefined ? {} : { end_time: change.endTime }),
          ...(change.runName ? { run_name: change.runName } : {}),
        })
        .where('run_uuid', '=', runId)
        .execute();
      if (change.runName) {
        await trx
          .insertInto('ml_run_tags')
          .values({ run_uuid: runId, key: 'mlflow.runName', value: change.runName })
          .onConflict((c) => c.columns(['run_uuid', 'key']).doUpdateSet({ value: change.runName! }))
          .execute();
      }
    });
    return this.info(runId);
  }

  async setStage(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.info(runId);
    await this.meta.db.updateTable('ml_runs').set({ lifecycle_stage: stage }).where('run_uuid', '=', runId).execute();
  }

  async search(experimentIds: readonly string[], options: SearchOptions = {}): Promise<Page<Run>> {
    const limit = options.maxResults ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_RESULTS) {
      throw new ModelInvalidParameterError(
        `Invalid value ${limit} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS}.`,
      );
    }
    const clauses = parseFilter(options.filter, RUN_DIALECT);
    const terms = parseOrderBy(options.orderBy, RUN_DIALECT);
    const ids = experimentIds.filter((id) => /^\d+$/.test(id));
    if (ids.length === 0) return { items: [] };
    const invalid = (m: string) => new ModelInvalidParameterError(m);
    const where = sql`r.experiment_id in (${sql.join(ids)}) and r.lifecycle_stage in (${sql.join(stagesOf(options.viewType))})
      and ${whereSql(clauses, RUN_TARGET)}`;
    const first = terms[0];
    if (first === undefined || first.entity === 'attribute') {
      const offset = decodePageToken(options.pageToken, invalid);
      const rows = await this.page(orderSql(terms, RUN_TARGET, TIEBREAK), where, limit + 1, offset);
      return this.result(rows.slice(0, limit), rows.length > limit ? encodePageToken(offset + limit) : undefined);
    }
    // Ordered by a metric, param or tag: first the runs that have it (an inner join, which
    // an index on (key, value) walks in order and stops after a page), then, only when
    // the page is not full, the runs without it, which sort last as in MLflow.
    const { offset, phase } = decodePhasedToken(options.pageToken, invalid);
    const rows: RunRow[] = [];
    if (phase === 1) {
      const withKey = await this.page(orderSql(terms, RUN_TARGET, TIEBREAK, true), where, limit + 1, offset);
      if (withKey.length > limit) return this.result(withKey.slice(0, limit), encodePageToken(offset + limit));
      rows.push(...withKey);
    }
    const need = limit - rows.length;
    const start = phase === 1 ? 0 : offset;
    const missing = sql`${where} and ${missingKeySql(first, RUN_TARGET)}`;
    const without = await this.page(orderSql(terms.slice(1), RUN_TARGET, TIEBREAK), missing, need + 1, start);
    rows.push(...without.slice(0, need));
    return this.result(rows, without.length > need ? encodePageToken(start + need, 2) : undefined);
  }

  private async page(order: OrderSql, where: RawBuilder<unknown>, limit: number, offset: number): Promise<RunRow[]> {
    const { rows } = await sql<RunRow>`select r.* from ml_runs r${order.joins} where ${where}
      order by ${order.orderBy} limit ${limit} offset ${offset}`.execute(this.meta.db);
    return rows;
  }

  private async result(rows: readonly RunRow[], nextPageToken: string | undefined): Promise<Page<Run>> {
    const items = await readRuns(this.meta.db, rows);
    return nextPageToken === undefined ? { items } : { items, nextPageToken };
  }

  private rows(runIds: readonly string[]): Promise<ModelTables['ml_runs'][]> {
    return this.meta.db.selectFrom('ml_runs').selectAll().where('run_uuid', 'in', runIds).execute() as Promise<
      ModelTables['ml_runs'][]
    >;
  }
}
