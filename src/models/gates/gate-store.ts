/**
 * Gates and their decisions in the metadata database. A model with a gate lets a version
 * take the `champion` alias only when that version's latest decision passed; a model
 * without one has no such check. Every decision is kept with its numbers.
 */
import type { MetaDatabase } from '../../meta/index.js';
import { ModelGateRefusedError, ModelInvalidParameterError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import type { AliasStore } from '../registry/alias-store.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { Clock } from '../tracking/view-type.js';
import { GATE_METRICS, type GateDecision, type GateSpec } from './gate-types.js';

export const GUARDED_ALIAS = 'champion';

export class GateStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly registry: RegistryStore,
    private readonly aliases: AliasStore,
    private readonly now: Clock,
  ) {}

  async setGate(name: string, spec: GateSpec): Promise<GateSpec> {
    await this.registry.getModel(name);
    const checked = checkSpec(spec);
    const row = { name, spec: JSON.stringify(checked), updated_time: this.now() };
    await this.meta.db
      .insertInto('ml_gates')
      .values(row)
      .onConflict((c) => c.column('name').doUpdateSet({ spec: row.spec, updated_time: row.updated_time }))
      .execute();
    return checked;
  }

  async getGate(name: string): Promise<GateSpec | undefined> {
    const row = await this.meta.db.selectFrom('ml_gates').select('spec').where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : parse<GateSpec>(row.spec);
  }

  async deleteGate(name: string): Promise<void> {
    await this.meta.db.deleteFrom('ml_gates').where('name', '=', name).execute();
  }

  /** Records a decision; undefined numbers (NaN: an improvement with no champion) are kept as null. */
  async record(decision: Omit<GateDecision, 'id' | 'decidedTime'>): Promise<GateDecision> {
    const decidedTime = this.now();
    const text = JSON.stringify(decision, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? null : v,
    );
    const row = await this.meta.db
      .insertInto('ml_gate_decisions')
      .values({
        name: decision.name,
        version: decision.version,
        passed: decision.passed,
        decision: text,
        decided_time: decidedTime,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...parse<GateDecision>(text), id: Number(row.id), decidedTime };
  }

  /** A model's decisions (one version's with `version`), newest first. */
  async decisions(name: string, version?: number, limit = 100): Promise<readonly GateDecision[]> {
    await this.registry.getModel(name);
    let query = this.meta.db.selectFrom('ml_gate_decisions').selectAll().where('name', '=', name);
    if (version !== undefined) query = query.where('version', '=', version);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      ...parse<GateDecision>(r.decision),
      id: Number(r.id),
      decidedTime: Number(r.decided_time),
    }));
  }

  /** Refuses `champion` to a version of a gated model whose latest decision did not pass. */
  async checkAlias(name: string, alias: string, version: number | string): Promise<void> {
    if (alias !== GUARDED_ALIAS) return;
    if ((await this.getGate(name)) === undefined) return;
    const v = await this.registry.getVersion(name, version);
    const [latest] = await this.decisions(name, v.version, 1);
    if (latest?.passed === true) return;
    const why =
      latest === undefined
        ? 'it has not been evaluated (POST /v1/models/{name}/versions/{version}/evaluate)'
        : `its gate decision ${latest.id} failed (${latest.results
            .filter((r) => !r.passed)
            .map(
              (r) =>
                `${r.rule.kind} ${r.rule.metric}: interval [${fmt(r.lower)}, ${fmt(r.upper)}] vs ${r.rule.threshold}`,
            )
            .join('; ')})`;
    throw new ModelGateRefusedError(`Version ${v.version} of model ${name} cannot take the ${alias} alias: ${why}.`, {
      name,
      version: v.version,
      alias,
      ...(latest === undefined ? {} : { decision: latest.id }),
    });
  }

  /** Sets an alias through the gate: the alias does not move when the gate refuses. */
  async setAlias(name: string, alias: string, version: number | string): Promise<void> {
    await this.checkAlias(name, alias, version);
    await this.aliases.setAlias(name, alias, version);
  }
}

function fmt(value: number | null): string {
  return value === null || !Number.isFinite(value) ? 'undefined' : value.toFixed(4);
}

function parse<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function checkSpec(spec: GateSpec): GateSpec {
  const bad = (message: string): never => {
    throw new ModelInvalidParameterError(`Invalid gate: ${message}.`);
  };
  if (typeof spec?.table !== 'string' || spec.table === '') bad('table must name the evaluation table');
  if (typeof spec.label !== 'string' || spec.label === '') bad('label must name the label column');
  if (!Array.isArray(spec.rules) || spec.rules.length === 0) bad('rules must list at least one rule');
  for (const rule of spec.rules) {
    if (!['absolute', 'absoluteImprovement', 'relativeImprovement'].includes(rule?.kind))
      bad(`rule kind ${String(rule?.kind)} is not absolute, absoluteImprovement or relativeImprovement`);
    if (!GATE_METRICS.includes(rule.metric))
      bad(`metric ${String(rule.metric)} is not one of ${GATE_METRICS.join(', ')}`);
    if (typeof rule.threshold !== 'number' || !Number.isFinite(rule.threshold))
      bad(`${rule.metric}'s threshold is not a number`);
  }
  const confidence = spec.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) bad(`confidence ${confidence} is not between 0 and 1`);
  const resamples = spec.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 10 || resamples > 100_000)
    bad(`resamples ${resamples} is not 10..100000`);
  const seed = spec.seed ?? 1;
  if (!Number.isInteger(seed)) bad(`seed ${seed} is not an integer`);
  return {
    table: spec.table,
    ...(spec.version === undefined ? {} : { version: spec.version }),
    label: spec.label,
    rules: spec.rules.map(({ kind, metric, threshold }) => ({ kind, metric, threshold })),
    confidence,
    resamples,
    seed,
  };
}
