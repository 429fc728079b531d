/**
 * `strata features plan|apply|training-set|rebuild|materialize`: the feature registry of
 * the warehouse (definitions in `features/*.ts`), point-in-time training sets and
 * materialization into the online store (features-materialize-command.ts).
 */
import { InvalidArgumentError as UsageError, type Command } from 'commander';
import type { EntityRows, FeaturePlan, FeatureRegistry, TrainingSetResult } from '../features/index.js';
import { registerMaterializeCommand } from './features-materialize-command.js';
import { columnNames, existingFile } from './option-parsers.js';
import { formatTable } from './text-table.js';

interface CommonOptions {
  readonly warehouse?: string;
  readonly dir?: string;
  readonly json?: boolean;
}

/** The features module, loaded when a features command runs (it brings DuckDB and the catalog). */
const features = () => import('../features/index.js');

async function withRegistry<T>(options: CommonOptions, work: (registry: FeatureRegistry) => Promise<T>): Promise<T> {
  const registry = await (
    await features()
  ).FeatureRegistry.open({
    ...(options.warehouse === undefined ? {} : { warehouse: options.warehouse }),
    ...(options.dir === undefined ? {} : { featuresDirectory: options.dir }),
  });
  try {
    return await work(registry);
  } finally {
    await registry.close();
  }
}

const common = (command: Command) =>
  command
    .option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)')
    .option('--json', 'print JSON');

export function registerFeaturesCommand(program: Command): void {
  const group = program
    .command('features')
    .description('feature store: definitions, plan/apply, training sets, materialization');

  common(
    group
      .command('plan')
      .description('what apply would change (added, changed, removed; incompatible changes refused)'),
  )
    .option('--dir <dir>', 'the definitions folder (default: <warehouse>/features)')
    .action((options: CommonOptions) =>
      withRegistry(options, async (registry) => {
        const plan = await registry.plan();
        printPlan(plan, options.json === true, 'plan');
        if (plan.incompatible.length > 0) throw new (await features()).IncompatibleChangeError(plan.incompatible);
      }),
    );

  common(
    group.command('apply').description('record the definitions in features/ as new versions in the metadata database'),
  )
    .option('--dir <dir>', 'the definitions folder (default: <warehouse>/features)')
    .action((options: CommonOptions) =>
      withRegistry(options, async (registry) => printPlan(await registry.apply(), options.json === true, 'apply')),
    );

  common(
    group
      .command('training-set')
      .description('build a point-in-time training set into a new table')
      .argument('<output>', 'the table to create (schema.table)'),
  )
    .option('--features <refs>', 'view:feature or view, comma-separated', columnNames)
    .option('--service <name>', 'a feature service')
    .option('--entities-table <table>', 'entity rows from a lake table')
    .option('--entities-sql <sql>', 'entity rows from SQL over lake tables')
    .option('--entities-file <file>', 'entity rows from a Parquet, CSV or JSON-lines file', (f) => existingFile(f))
    .option('--from <time>', 'no entity rows: every entity seen from this time...')
    .option('--to <time>', '...to this one (rows at this time)')
    .option('--timestamp-column <name>', 'the entity rows’ timestamp column', 'event_timestamp')
    .option('--event-time-only', 'ignore created times (values corrected later leak into earlier rows)')
    .option('--ttl <duration>', "read every view with this TTL (e.g. 6h, 7d; '0' for none)")
    .option('--full-feature-names', 'name feature columns view__feature')
    .action(async (output: string, options: CommonOptions & TrainingOptions) => {
      const entities = entityRows(options);
      await withRegistry(options, async (registry) => {
        const result = await (
          await features()
        ).getTrainingSet(registry, {
          output,
          entities,
          ...(options.features ? { features: options.features } : {}),
          ...(options.service ? { service: options.service } : {}),
          timestampColumn: options.timestampColumn,
          pointInTime: options.eventTimeOnly ? 'eventTime' : 'bitemporal',
          ...(options.ttl === undefined
            ? {}
            : { ttl: /^\d+$/.test(options.ttl) ? Number(options.ttl) : (options.ttl as '1d') }),
          fullFeatureNames: options.fullFeatureNames === true,
        });
        printTrainingSet(result, options.json === true);
      });
    });

  common(
    group
      .command('rebuild')
      .description('build a training set again, reading every source at the version it pinned')
      .argument('<training-set>', 'the training set table')
      .argument('<output>', 'the table to create'),
  ).action((from: string, output: string, options: CommonOptions) =>
    withRegistry(options, async (registry) =>
      printTrainingSet(await (await features()).rebuildTrainingSet(registry, from, output), options.json === true),
    ),
  );

  registerMaterializeCommand(group);
}

interface TrainingOptions {
  readonly features?: string[];
  readonly service?: string;
  readonly entitiesTable?: string;
  readonly entitiesSql?: string;
  readonly entitiesFile?: string;
  readonly from?: string;
  readonly to?: string;
  readonly timestampColumn: string;
  readonly eventTimeOnly?: boolean;
  readonly ttl?: string;
  readonly fullFeatureNames?: boolean;
}

function entityRows(options: TrainingOptions): EntityRows {
  const given: EntityRows[] = [
    ...(options.entitiesTable ? [{ kind: 'table', table: options.entitiesTable } as const] : []),
    ...(options.entitiesSql ? [{ kind: 'sql', sql: options.entitiesSql } as const] : []),
    ...(options.entitiesFile ? [{ kind: 'file', path: options.entitiesFile } as const] : []),
    ...(options.from !== undefined || options.to !== undefined
      ? [{ kind: 'range', start: options.from ?? '', end: options.to ?? '' } as const]
      : []),
  ];
  if (given.length !== 1)
    throw new UsageError(
      'Give the entity rows once: --entities-table, --entities-sql, --entities-file, or --from and --to.',
    );
  const only = given[0]!;
  if (only.kind === 'range' && (only.start === '' || only.end === ''))
    throw new UsageError('A time range needs both --from and --to.');
  if (!options.features && !options.service) throw new UsageError('Name the features: --features or --service.');
  return only;
}

function printPlan(plan: FeaturePlan & { applied?: boolean }, json: boolean, verb: 'plan' | 'apply'): void {
  if (json) {
    const { writes: _writes, ...shown } = plan;
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  const rows = plan.changes.map((c) => [
    c.kind,
    c.object,
    c.name,
    c.kind === 'changed'
      ? `${c.fromVersion} -> ${c.version}`
      : c.kind === 'removed'
        ? `${c.fromVersion} -> -`
        : String(c.version),
    c.kind === 'changed' ? `${c.fields.join(', ')}${c.incompatible ? ' (refused)' : ''}` : '',
  ]);
  if (rows.length === 0) process.stdout.write('no definitions (put them in features/*.ts)\n');
  else
    process.stdout.write(
      `${formatTable(
        [{ name: 'change' }, { name: 'kind' }, { name: 'name' }, { name: 'version' }, { name: 'fields' }],
        rows,
      )}\n`,
    );
  for (const refused of plan.incompatible) process.stdout.write(`REFUSED ${refused.object}: ${refused.reason}\n`);
  if (verb === 'apply') process.stdout.write(plan.applied ? 'applied\n' : 'nothing to apply\n');
}

function printTrainingSet(result: TrainingSetResult, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ table: result.table.name, location: result.table.location, rows: result.rows, manifest: result.manifest }, null, 2)}\n`,
    );
    return;
  }
  const versions = result.manifest.sources.map((s) => `${s.table}@${s.version}`).join(', ');
  process.stdout.write(`${result.table.name}: ${result.rows} rows; read ${versions}\n`);
}
