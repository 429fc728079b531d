/**
 * The feature registry of one warehouse: loads `features/*.ts`, plans what apply would
 * change, and applies it to the metadata database (its own tables, migrated on open).
 *
 * Guarantees: apply is one transaction (all of the plan or nothing); it refuses the whole
 * plan when any change is incompatible; every applied version is kept, so a version a
 * training set names stays readable after the object changed or was removed.
 */
import * as path from 'node:path';
import { Catalog, type CatalogOptions } from '../../catalog/index.js';
import type { DefinitionSet } from '../definition/definition-set.js';
import { loadFeatureDirectory } from '../definition/feature-loader.js';
import { IncompatibleChangeError } from '../errors.js';
import { FEATURE_MIGRATIONS } from '../migrations/feature-migrations.js';
import { appliedDefinitionSet, appliedObjects, type AppliedObject } from './applied-definitions.js';
import { planChanges, type FeaturePlan } from './feature-plan.js';
import type { FeatureMeta, FeatureTables } from './feature-tables.js';
import { checkViewSources } from './source-checks.js';

export interface FeatureRegistryOptions extends CatalogOptions {
  /** The features/ folder; default `<warehouse>/features`. */
  readonly featuresDirectory?: string;
}

export interface ApplyResult extends FeaturePlan {
  readonly applied: boolean;
}

export class FeatureRegistry implements AsyncDisposable {
  private constructor(
    readonly catalog: Catalog,
    readonly meta: FeatureMeta,
    readonly featuresDirectory: string,
    private readonly ownsCatalog: boolean,
  ) {}

  static async open(options: FeatureRegistryOptions = {}): Promise<FeatureRegistry> {
    const catalog = await Catalog.open({ ...options, migrations: [FEATURE_MIGRATIONS, ...(options.migrations ?? [])] });
    return FeatureRegistry.over(catalog, options.featuresDirectory, true);
  }

  /** A registry over an open catalog (its database migrated for the feature tables here); closing it leaves the catalog open. */
  static async over(catalog: Catalog, featuresDirectory?: string, ownsCatalog = false): Promise<FeatureRegistry> {
    const meta = catalog.meta.withTables<FeatureTables>();
    await meta.migrate([FEATURE_MIGRATIONS]);
    const directory = path.resolve(featuresDirectory ?? path.join(catalog.warehouse.directory, 'features'));
    return new FeatureRegistry(catalog, meta, directory, ownsCatalog);
  }

  /** The definitions in the features/ folder, checked together (not against sources). */
  load(): Promise<DefinitionSet> {
    return loadFeatureDirectory(this.featuresDirectory);
  }

  /** What apply would change; definitions naming missing columns or mismatched types are refused. */
  async plan(set?: DefinitionSet): Promise<FeaturePlan> {
    const definitions = set ?? (await this.load());
    await checkViewSources(this.catalog, definitions);
    const versions = await this.meta.db
      .selectFrom('feature_object_versions')
      .select(['kind', 'name', (eb) => eb.fn.max('version').as('version')])
      .groupBy(['kind', 'name'])
      .execute();
    const last = new Map(versions.map((v) => [`${v.kind}:${v.name}`, Number(v.version)]));
    return planChanges(
      await appliedObjects(this.meta),
      definitions,
      (kind, name) => (last.get(`${kind}:${name}`) ?? 0) + 1,
    );
  }

  /** Applies the plan in one transaction; refuses it whole (IncompatibleChangeError) when a change is incompatible. */
  async apply(set?: DefinitionSet): Promise<ApplyResult> {
    const plan = await this.plan(set);
    if (plan.incompatible.length > 0) throw new IncompatibleChangeError(plan.incompatible);
    const removed = plan.changes.filter((c) => c.kind === 'removed');
    if (plan.writes.length === 0 && removed.length === 0) return { ...plan, applied: false };
    await this.meta.transaction(async (trx) => {
      for (const gone of removed)
        await trx.deleteFrom('feature_objects').where('kind', '=', gone.object).where('name', '=', gone.name).execute();
      for (const w of plan.writes) {
        const row = {
          kind: w.object,
          name: w.name,
          version: w.version,
          hash: w.hash,
          definition: JSON.stringify(w.definition),
        };
        await trx.insertInto('feature_object_versions').values(row).execute();
        await trx
          .insertInto('feature_objects')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['kind', 'name']).doUpdateSet({
              version: w.version,
              hash: w.hash,
              definition: JSON.stringify(w.definition),
              updated_at: new Date(),
            }),
          )
          .execute();
      }
    });
    return { ...plan, applied: true };
  }

  /** What is applied now, as a checked set, with each object's version. */
  applied(): Promise<{ set: DefinitionSet; versions: Map<string, AppliedObject> }> {
    return appliedDefinitionSet(this.meta);
  }

  async close(): Promise<void> {
    if (this.ownsCatalog) await this.catalog.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
