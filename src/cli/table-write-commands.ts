/** `strata table create` and `strata table append`. */
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../core/index.js';
import { parseColumnList } from '../engine/index.js';
import { DeltaTable, fromFile, formatOf, type InputChecks } from '../lake/index.js';
import { addBadRowsOptions, inputChecks, rejectsText, type BadRowsOptions } from './bad-rows-options.js';
import { columnNames, existingFile, property } from './option-parsers.js';
import { withProgress } from './progress-line.js';
import { countText } from './text-table.js';

interface CreateOptions extends BadRowsOptions {
  readonly schema?: string;
  readonly from?: string;
  readonly partitionBy?: string[];
  readonly property?: Record<string, string>;
}

interface AppendOptions extends BadRowsOptions {
  readonly partitionBy?: string[];
  readonly mergeSchema?: boolean;
}

export function registerWriteCommands(table: Command): void {
  const create = table
    .command('create')
    .description('create a Delta table from a column list, or from a file (schema and rows)')
    .argument('<path>', 'where the table goes: a directory path or URI')
    .addOption(
      new Option(
        '--schema <columns>',
        'columns as DuckDB declares them, e.g. "id BIGINT NOT NULL, name VARCHAR"',
      ).conflicts('from'),
    )
    .addOption(new Option('--from <file>', 'take the schema and the rows from a Parquet, CSV or JSON-lines file'))
    .option('--partition-by <columns>', 'partition columns, comma-separated', columnNames)
    .option('--property <key=value>', 'a table property, e.g. delta.appendOnly=true (repeatable)', property);
  addBadRowsOptions(create).action(async (path: string, options: CreateOptions, command: Command) => {
    if (!options.schema && !options.from)
      command.error('error: give the table a schema: --schema "<col type, ...>" or --from <file>.', { exitCode: 2 });
    if (!options.from && (options.badRows || options.rejects))
      command.error('error: --bad-rows and --rejects apply to --from <file>.', { exitCode: 2 });
    const common = {
      ...(options.partitionBy ? { partitionColumns: options.partitionBy } : {}),
      ...(options.property ? { properties: options.property } : {}),
    };
    if (!options.from) {
      const created = await DeltaTable.create(path, { ...common, schema: await parseColumnList(options.schema!) });
      process.stdout.write(`created ${created.location} (version ${created.version})\n`);
      return;
    }
    const from = options.from;
    const data = inputFile(from, inputChecks(from, options, command));
    const { table: created, result } = await withProgress(async (progress) => {
      progress.update(`loading ${from}`, 0);
      return DeltaTable.createFrom(path, { ...common, data });
    });
    process.stdout.write(
      `created ${created.location} (version ${created.version}) with ${countText(result.numRows, 'row')}\n` +
        rejectsText(result.input),
    );
  });

  const append = table
    .command('append')
    .description('append a Parquet, CSV or JSON-lines file to a table, creating the table if it does not exist')
    .argument('<path>', 'the table: a directory path or URI')
    .argument('<input>', 'the rows: a .parquet, .csv or .jsonl/.ndjson/.json file')
    .option('--partition-by <columns>', 'partition columns when the table is created, comma-separated', columnNames)
    .option('--merge-schema', 'add columns the input has and the table lacks (as nullable columns)');
  addBadRowsOptions(append).action(async (path: string, input: string, options: AppendOptions, command: Command) => {
    const data = inputFile(input, inputChecks(input, options, command));
    if (options.partitionBy && (await DeltaTable.exists(path)))
      assertPartitioning((await DeltaTable.open(path)).snapshot.partitionColumns, options.partitionBy, path);
    const { table: written, result } = await withProgress((progress) =>
      DeltaTable.appendOrCreate(path, data, {
        ...(options.partitionBy ? { partitionColumns: options.partitionBy } : {}),
        ...(options.mergeSchema ? { mergeSchema: true } : {}),
        progress,
      }),
    );
    const what = `${countText(result.numRows, 'row')} in ${countText(result.numFiles, 'file')}`;
    process.stdout.write(
      (result.version === 0
        ? `created ${written.location} (version 0) with ${what}\n`
        : `appended ${what} to ${written.location} (version ${result.version})\n`) + rejectsText(result.input),
    );
  });
}

function inputFile(file: string, checks: InputChecks) {
  existingFile(file);
  return fromFile(file, formatOf(file), checks);
}

/** --partition-by only shapes a new table; on an existing one a different layout is a mistake worth stopping. */
function assertPartitioning(actual: readonly string[], wanted: readonly string[], path: string): void {
  const same = actual.length === wanted.length && actual.every((c, i) => c.toLowerCase() === wanted[i]!.toLowerCase());
  if (!same) {
    throw new InvalidArgumentError(
      `${path} is partitioned by (${actual.join(', ') || 'nothing'}), not (${wanted.join(', ')}); --partition-by only applies when append creates the table.`,
      { path, partitionColumns: actual },
    );
  }
}
