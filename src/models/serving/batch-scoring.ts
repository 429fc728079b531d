/**
 * Batch scoring: a Delta table's rows scored by a model version into a Delta table,
 * as one commit (overwrite by default, or append), so a reader sees all of a run's
 * predictions or none. The output keeps the input's columns (or `keep`) and adds
 * `prediction` and `model_version`. The version is chosen as serving chooses it (alias,
 * default champion, or a version) and recorded, with the input's Delta version, in the
 * result. Rows are read into memory: meant for tables that fit (a flow maps over
 * partitions for more). `batchScoringTask` wraps it as a flow task function.
 */
import { join } from 'node:path';
import type { Catalog } from '../../catalog/index.js';
import { ModelInvalidParameterError } from '../errors.js';
import { ModelStores } from '../model-stores.js';
import { featureColumns } from './feature-rows.js';
import { predictColumns } from './loaded-model.js';
import { ModelServer } from './model-server.js';
import { chooseServingVersion } from './serving-version.js';

export interface BatchScoringOptions {
  readonly model: string;
  readonly alias?: string;
  readonly version?: number;
  /** Catalog names of the input and output tables. */
  readonly input: string;
  readonly output: string;
  /** Input columns copied to the output (default: all). */
  readonly keep?: readonly string[];
  readonly mode?: 'overwrite' | 'append';
}

export interface BatchScoringResult {
  readonly model: string;
  readonly modelVersion: number;
  readonly input: { readonly table: string; readonly version: number };
  readonly output: { readonly table: string; readonly location: string; readonly version: number };
  readonly rows: number;
}

export async function scoreTable(
  catalog: Catalog,
  server: ModelServer,
  options: BatchScoringOptions,
): Promise<BatchScoringResult> {
  const { fromRows } = await import('../../lake/index.js');
  const choice = await chooseServingVersion(server, options.model, {
    ...(options.alias === undefined ? {} : { alias: options.alias }),
    ...(options.version === undefined ? {} : { version: options.version }),
    requestId: `batch:${options.input}`,
  });
  const scorer = await server.scorer(options.model, choice.version);
  if (scorer.outputs !== 1)
    throw new ModelInvalidParameterError(
      `Batch scoring writes one prediction per row; ${options.model} has ${scorer.outputs}.`,
    );
  const input = await catalog.openTable(options.input);
  const rows = (await input.rows()).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  );
  if (rows.length === 0)
    throw new ModelInvalidParameterError(`${options.input} has no rows to score.`, { table: options.input });
  const predictions = await predictColumns(scorer, featureColumns(scorer.featureNames, rows, options.model));
  const keep = options.keep ?? Object.keys(rows[0]!);
  const scored = rows.map((row, r) => ({
    ...Object.fromEntries(keep.map((k) => [k, row[k] ?? null])),
    prediction: predictions[r]!,
    model_version: choice.version,
  }));
  const existing = await catalog.findTable(options.output);
  let location: string;
  let version: number;
  if (existing === undefined) {
    await catalog.createTable(options.output, { data: fromRows(scored) });
    const created = await catalog.openTable(options.output);
    location = (await catalog.getTable(options.output)).location;
    version = created.snapshot.version;
  } else {
    const table = await catalog.openTable(existing.name);
    const result =
      options.mode === 'append' ? await table.append(fromRows(scored)) : await table.overwrite(fromRows(scored));
    location = existing.location;
    version = result.version;
  }
  const name = (await catalog.getTable(options.output)).name;
  return {
    model: options.model,
    modelVersion: choice.version,
    input: { table: (await catalog.getTable(options.input)).name, version: input.snapshot.version },
    output: { table: name, location, version },
    rows: scored.length,
  };
}

/**
 * The flow task: `f.task('score', batchScoringTask({ model: 'delays', input: 'flights', output: 'flight_scores' }))`.
 * It opens the task's warehouse (catalog and model stores) for the run and closes it after.
 */
export function batchScoringTask(
  options: BatchScoringOptions,
): (ctx: { readonly warehouse: string | undefined }) => Promise<BatchScoringResult> {
  return async (ctx) => {
    // The catalog loads DuckDB: imported when the task runs, so strata/models stays light.
    const { Catalog } = await import('../../catalog/index.js');
    const { openStore } = await import('../../storage/index.js');
    if (ctx.warehouse === undefined)
      throw new ModelInvalidParameterError(
        'Batch scoring needs the task to run in a warehouse (ctx.warehouse is unset).',
      );
    const catalog = await Catalog.open({ warehouse: ctx.warehouse });
    try {
      const stores = await ModelStores.open(catalog.meta, { artifacts: openStore(join(ctx.warehouse, 'artifacts')) });
      return await scoreTable(catalog, new ModelServer(stores), options);
    } finally {
      await catalog.close();
    }
  };
}
