/**
 * Running a model's gate on one version: read the evaluation table (at the gate's pinned
 * Delta version or its latest, recorded either way), score it with the candidate and the
 * current champion, evaluate the rules and record the decision with all its numbers.
 */
import type { Catalog } from '../../catalog/index.js';
import { isStrataError } from '../../core/index.js';
import { ModelInvalidParameterError } from '../errors.js';
import type { AliasStore } from '../registry/alias-store.js';
import { featureColumns, type FeatureRow } from '../serving/feature-rows.js';
import { predictColumns, type LoadedModel } from '../serving/loaded-model.js';
import { evaluateRules } from './gate-evaluation.js';
import { GUARDED_ALIAS, type GateStore } from './gate-store.js';
import type { GateDecision } from './gate-types.js';

export interface GateRunner {
  readonly catalog: Catalog;
  readonly gates: GateStore;
  readonly aliases: AliasStore;
  /** The loaded scorer of a version (the model server's cache). */
  scorer(name: string, version: number): Promise<LoadedModel>;
}

export async function evaluateVersion(runner: GateRunner, name: string, version: number): Promise<GateDecision> {
  const spec = await runner.gates.getGate(name);
  if (spec === undefined)
    throw new ModelInvalidParameterError(`Model ${name} has no gate: set one with PUT /v1/models/${name}/gate.`, {
      name,
    });
  const candidate = await runner.scorer(name, version);
  const champion = await runner.aliases.versionByAlias(name, GUARDED_ALIAS).catch((error: unknown) => {
    if (isStrataError(error, 'MODEL_NOT_FOUND')) return undefined;
    throw error;
  });
  const named = await runner.catalog.getTable(spec.table);
  const table = await runner.catalog.openTable(named.name, spec.version === undefined ? {} : { version: spec.version });
  const rows = (await table.rows()).map(numbersOf);
  if (rows.length === 0)
    throw new ModelInvalidParameterError(`Evaluation table ${spec.table} has no rows.`, { table: spec.table });
  const labels = Float64Array.from(rows, (row, r) => {
    const value = row[spec.label];
    if (typeof value !== 'number' || Number.isNaN(value))
      throw new ModelInvalidParameterError(`Row ${r} of ${spec.table} has no numeric label in ${spec.label}.`, {
        table: spec.table,
        label: spec.label,
      });
    return value;
  });
  const predict = (model: LoadedModel) => {
    if (model.outputs !== 1)
      throw new ModelInvalidParameterError(
        `Gates score one output per row; version ${model.version} has ${model.outputs}.`,
      );
    return predictColumns(model, featureColumns(model.featureNames, rows, name));
  };
  const championModel = champion === undefined ? undefined : await runner.scorer(name, champion.version);
  const results = evaluateRules({
    rules: spec.rules,
    labels,
    candidate: await predict(candidate),
    ...(championModel === undefined ? {} : { champion: await predict(championModel) }),
    confidence: spec.confidence ?? 0.95,
    resamples: spec.resamples ?? 1000,
    seed: spec.seed ?? 1,
  });
  return runner.gates.record({
    name,
    version,
    passed: results.every((r) => r.passed),
    championVersion: champion?.version ?? null,
    table: named.name,
    tableVersion: table.snapshot.version,
    rows: rows.length,
    confidence: spec.confidence ?? 0.95,
    resamples: spec.resamples ?? 1000,
    seed: spec.seed ?? 1,
    results,
  });
}

/** DuckDB hands wide integers as bigint and booleans as booleans: scoring wants numbers. */
function numbersOf(row: Record<string, unknown>): FeatureRow {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === 'bigint' ? Number(value) : typeof value === 'boolean' ? Number(value) : value;
  }
  return out;
}
