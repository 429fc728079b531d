/**
 * What a running run logs: metrics (every value kept with its step and timestamp; the
 * latest per key kept beside them for search), params (write-once: the same value again
 * is accepted, another value is INVALID_PARAMETER_VALUE), tags and dataset inputs. A
 * batch is checked against MLflow's limits first and written in one transaction, so a
 * refused batch writes nothing. Metric histories are read a page at a time.
 */
import { sql, type Transaction } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import { ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import type { RunStore } from './run-store.js';
import { checkBatch, checkKey, checkValue } from './tracking-limits.js';
import type { DatasetInput, KeyValue, Metric, Page } from './tracking-types.js';

/** MLflow's largest metric history page. */
export const HISTORY_MAX_RESULTS = 25_000;

export interface Batch {
  readonly metrics?: readonly Metric[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

export class RunLogStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly runs: RunStore,
  ) {}

  async logBatch(runId: string, batch: Batch): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    checkBatch(metrics.length, params.length, tags.length);
    for (const m of metrics) {
      checkKey('metric', m.key);
      if (typeof m.value !== 'number' || !Number.isFinite(m.timestamp) || !Number.isInteger(m.step)) {
        throw new ModelInvalidParameterError(
          `Got invalid value ${String(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}, step=${m.step}). Please specify value as a valid double (64-bit floating point)`,
          { key: m.key },
        );
      }
    }
    for (const p of params) checkValue('param', checkKey('param', p.key), p.value);
    for (const t of tags) checkValue('tag', checkKey('tag', t.key), t.value);
    const seen = new Map<string, string>();
    for (const p of params) {
      if (seen.has(p.key) && seen.get(p.key) !== p.value) {
        throw new ModelInvalidParameterError(
          `Duplicate parameter keys have been submitted: ['${p.key}']. Please ensure the request contains only one param value per param key.`,
        );
      }
      seen.set(p.key, p.value);
    }
    await this.runs.info(runId, true);
    await this.meta.transaction(async (trx) => {
      if (metrics.length > 0) await writeMetrics(trx, runId, metrics);
      // Params last: a changed value fails the batch after rows were written, and the transaction undoes them.
      if (params.length > 0) await writeParams(trx, runId, params);
      for (const tag of tags) await upsertTag(trx, runId, tag);
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.runs.info(runId, true);
    const { numDeletedRows } = await this.meta.db
      .deleteFrom('ml_run_tags')
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (numDeletedRows === 0n)
      throw new ModelNotFoundError(`No tag with name: ${key} in run with id ${runId}`, { runId, key });
  }

  async logInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void> {
    await this.runs.info(runId, true);
    if (inputs.length === 0) return;
    await this.meta.db
      .insertInto('ml_inputs')
      .values(
        inputs.map((i) => ({
          run_uuid: runId,
          name: i.dataset.name,
          digest: i.dataset.digest,
          dataset: JSON.stringify(i.dataset),
          tags: JSON.stringify(i.tags),
        })),
      )
      .onConflict((c) => c.columns(['run_uuid', 'name', 'digest']).doNothing())
      .execute();
  }

  /** One page of a metric's history, in (step, timestamp) order; the token is the last row's position. */
  async history(
    runId: string,
    key: string,
    maxResults = HISTORY_MAX_RESULTS,
    pageToken?: string,
  ): Promise<Page<Metric>> {
    await this.runs.info(runId);
    const limit = Math.min(Math.max(1, Math.trunc(maxResults)), HISTORY_MAX_RESULTS);
    const after = pageToken ? decodeAfter(pageToken) : undefined;
    let query = this.meta.db
      .selectFrom('ml_metrics')
      .select(['id', 'key', 'value', 'timestamp', 'step'])
      .where('run_uuid', '=', runId)
      .where('key', '=', key);
    if (after !== undefined)
      query = query.where(sql<boolean>`(step, timestamp, id) > (${after[0]}, ${after[1]}, ${after[2]})`);
    const rows = await query
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const items = rows
      .slice(0, limit)
      .map((r) => ({ key: r.key, value: r.value, timestamp: Number(r.timestamp), step: Number(r.step) }));
    const last = rows[limit - 1];
    return rows.length > limit && last !== undefined
      ? {
          items,
          nextPageToken: Buffer.from(
            JSON.stringify([Number(last.step), Number(last.timestamp), Number(last.id)]),
          ).toString('base64'),
        }
      : { items };
  }
}

async function writeParams(trx: Transaction<ModelTables>, runId: string, params: readonly KeyValue[]): Promise<void> {
  const keys = params.map((p) => p.key);
  const existing = await trx
    .selectFrom('ml_params')
    .selectAll()
    .where('run_uuid', '=', runId)
    .where('key', 'in', keys)
    .forUpdate()
    .execute();
  const changed = existing
    .map((e) => ({ key: e.key, old_value: e.value, new_value: params.find((p) => p.key === e.key)!.value }))
    .filter((c) => c.old_value !== c.new_value);
  if (changed.length > 0) {
    throw new ModelInvalidParameterError(
      `Changing param values is not allowed. Params were already logged='${JSON.stringify(changed)}' for run ID='${runId}'.`,
      { runId, changed },
    );
  }
  const fresh = params.filter((p) => !existing.some((e) => e.key === p.key));
  if (fresh.length > 0) {
    await trx
      .insertInto('ml_params')
      .values(fresh.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })))
      .onConflict((c) => c.columns(['run_uuid', 'key']).doNothing())
      .execute();
  }
}

async function writeMetrics(trx: Transaction<ModelTables>, runId: string, metrics: readonly Metric[]): Promise<void> {
  await trx
    .insertInto('ml_metrics')
    .values(metrics.map((m) => ({ run_uuid: runId, ...m })))
    .execute();
  // The latest value of a key is the one with the highest (step, timestamp, value), as in MLflow.
  const latest = new Map<string, Metric>();
  for (const m of metrics) {
    const seen = latest.get(m.key);
    if (seen === undefined || compare(m, seen) > 0) latest.set(m.key, m);
  }
  await trx
    .insertInto('ml_latest_metrics')
    .values([...latest.values()].map((m) => ({ run_uuid: runId, ...m })))
    .onConflict((c) =>
      c
        .columns(['run_uuid', 'key'])
        .doUpdateSet({ value: sql`excluded.value`, timestamp: sql`excluded.timestamp`, step: sql`excluded.step` })
        .where(
          sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (ml_latest_metrics.step, ml_latest_metrics.timestamp, ml_latest_metrics.value)`,
        ),
    )
    .execute();
}

async function upsertTag(trx: Transaction<ModelTables>, runId: string, tag: KeyValue): Promise<void> {
  await trx
    .insertInto('ml_run_tags')
    .values({ run_uuid: runId, ...tag })
    .onConflict((c) => c.columns(['run_uuid', 'key']).doUpdateSet({ value: tag.value }))
    .execute();
  if (tag.key === 'mlflow.runName')
    await trx.updateTable('ml_runs').set({ run_name: tag.value }).where('run_uuid', '=', runId).execute();
}

function compare(a: Metric, b: Metric): number {
  return a.step - b.step || a.timestamp - b.timestamp || a.value - b.value;
}

function decodeAfter(token: string): [number, number, number] {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((v) => Number.isInteger(v)))
      return value as [number, number, number];
  } catch {
    // falls through
  }
  throw new ModelInvalidParameterError(`Invalid page token, could not base64-decode: '${token}'.`);
}
