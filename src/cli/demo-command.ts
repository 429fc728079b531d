/**
 * `strata demo`: the main job on embedded defaults, end to end in a few seconds. Loads
 * the 3-million-row flights data set shipped by `vega-datasets` into a Delta table
 * partitioned by month (first quarter, then the second as an append), checkpoints it,
 * shows its history and queries it with delta_scan, time travel included, trains a delay
 * classifier on it in TypeScript, then makes the demo directory a warehouse with the table in its catalog, ready for `strata up` and the
 * web console.
 *
 * Re-runnable: it starts from an empty demo directory each time. It only ever clears a
 * directory it created (marked by a `.strata-demo` file), never an arbitrary one.
 */
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../core/index.js';
import { runSql } from '../engine/index.js';
import { DeltaTable, fromSql, quoteLiteral, writeCheckpoint } from '../lake/index.js';
import { makeDemoWarehouse } from './demo-warehouse.js';
import { historyText } from './table-inspect-commands.js';
import { withProgress } from './progress-line.js';
import { countText, formatTable } from './text-table.js';

const MARKER = '.strata-demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('load 3 million flights into a Delta table, append, time travel and query it (a few seconds)')
    .option('--dir <dir>', 'the demo lake directory (emptied first)', './strata-demo')
    .action(async (options: { dir: string }) => runDemo(options.dir));
}

async function runDemo(dir: string): Promise<void> {
  const started = Date.now();
  const flights = flightsFile();
  await resetDemoDirectory(dir);
  const location = path.join(dir, 'flights');
  const shown = displayPath(location);
  const source = (where: string) =>
    fromSql(`SELECT *, strftime(date, '%Y-%m') AS month FROM read_parquet(${quoteLiteral(flights)}) WHERE ${where}`);
  const say = (text = '') => process.stdout.write(`${text}\n`);
  const timed = async <T>(work: () => Promise<T>): Promise<[T, string]> => {
    const t = Date.now();
    const result = await work();
    return [result, `${((Date.now() - t) / 1000).toFixed(1)}s`];
  };

  say(
    `Strata demo: US domestic flights of 2001 (vega-datasets flights-3m.parquet, 3,000,000 rows) as a Delta table in ${displayPath(dir)}`,
  );
  say();
  const [table, createTime] = await timed(() =>
    withProgress(async (progress) => {
      progress.update('creating the table from January–March', 0);
      return DeltaTable.create(location, { data: source("date < '2001-04-01'"), partitionColumns: ['month'] });
    }),
  );
  say(
    `1. Created ${shown} partitioned by month, with January–March: ${countText(table.snapshot.numRecords ?? 0, 'row')} in ${countText(table.snapshot.files.length, 'file')} (version ${table.version}, ${createTime})`,
  );
  const [appended, appendTime] = await timed(() =>
    withProgress((progress) => table.append(source("date >= '2001-04-01'"), { progress })),
  );
  say(
    `2. Appended April onwards: ${countText(appended.numRows, 'row')} in ${countText(appended.numFiles, 'file')} (version ${appended.version}, ${appendTime})`,
  );
  const checkpoint = await writeCheckpoint(table.snapshot);
  say(
    `3. Wrote a checkpoint of version ${checkpoint.version} (${countText(checkpoint.numOfAddFiles, 'live file')}), so readers need not replay the log`,
  );
  say();
  say(`4. History (strata table history ${shown}):`);
  say(indent(historyText(await table.history())));

  const scan = (options = '') => `delta_scan(${quoteLiteral(shown)}${options})`;
  const queries: Array<[string, string]> = [
    [
      '5. Time travel: version 0 against the latest',
      `SELECT 'version 0' AS snapshot, count(*) AS flights, min(date) AS first_flight, max(date) AS last_flight FROM ${scan(', version => 0')}
UNION ALL
SELECT 'latest', count(*), min(date), max(date) FROM ${scan()}`,
    ],
    [
      '6. Delays by month',
      `SELECT month, count(*) AS flights, round(avg(delay), 1) AS avg_delay_min, round(100 * avg((delay > 15)::INT), 1) AS pct_late
FROM ${scan()} GROUP BY month ORDER BY month`,
    ],
    [
      '7. Busiest routes',
      `SELECT origin, destination, count(*) AS flights, round(avg(delay), 1) AS avg_delay_min
FROM ${scan()} GROUP BY origin, destination ORDER BY flights DESC LIMIT 5`,
    ],
  ];
  for (const [title, sql] of queries) {
    const [result, queryTime] = await timed(() => runSql(sql));
    say();
    say(`${title} (${queryTime}):`);
    say(indent(sql, '  sql> '));
    say(indent(formatTable(result.columns, result.rows)));
  }
  // Loaded here: the models module is needed by this chapter only.
  const { trainDemoModel } = await import('./demo-model.js');
  const [model, trainTime] = await timed(() => trainDemoModel(scan()));
  say();
  say(
    `8. Trained a flight-delay classifier in TypeScript (Strata's gradient-boosted trees: ${model.trees} trees of depth 6, ${trainTime}) on ${countText(model.trainRows, 'flight')} of January–May (hour, weekday, distance, month → late by more than 15 minutes): AUC ${model.auc.toFixed(3)} on ${countText(model.testRows, 'June flight')} it never saw`,
  );
  const warehouse = await makeDemoWarehouse(dir, location);
  say();
  say(
    `9. Made ${displayPath(dir)} a warehouse (embedded metadata database) with the table in its catalog as ${warehouse.tableName}`,
  );
  // Loaded here: the feature store is needed by this chapter only.
  const { runFeatureChapter } = await import('./demo-features.js');
  const [featureLines, featureTime] = await timed(() => runFeatureChapter(warehouse.directory, warehouse.tableName));
  say();
  say(`10. The feature store (${featureTime}):`);
  for (const line of featureLines) say(`  - ${line}`);
  const { runRegistryChapter } = await import('./demo-registry.js');
  const [registryLines, registryTime] = await timed(() =>
    runRegistryChapter(warehouse.directory, warehouse.tableName, model),
  );
  say();
  say(`11. The model lifecycle (${registryTime}):`);
  for (const line of registryLines) say(`  - ${line}`);
  say();
  say(`Done in ${((Date.now() - started) / 1000).toFixed(1)}s. Next, try:`);
  say(`  npx strata table info ${shown}`);
  say(
    `  npx strata sql "SELECT origin, count(*) AS flights FROM ${scan(', version => 0')} GROUP BY origin ORDER BY flights DESC LIMIT 10"`,
  );
  say(`  npx strata sql "SELECT * FROM ${scan()} WHERE delay > 600" --out late-flights.parquet`);
  say();
  say('Then open the web console on the demo warehouse (tables, SQL with charts, flows, live metrics):');
  say(`  npx strata up --warehouse ${displayPath(dir)} --insecure-local`);
  // Loaded here, not at the top: the API module is heavy and other commands never need it.
  const { DEFAULT_PORT } = await import('../api/index.js');
  say(`  open http://127.0.0.1:${DEFAULT_PORT}/ in a browser (Ctrl-C stops the server)`);
}

/**
 * The data file inside the installed vega-datasets package (its JS API would fetch from
 * a CDN). The package's `exports` hide its package.json and data folder from
 * `require.resolve`, so the file is looked up along Node's own module search paths.
 */
function flightsFile(): string {
  const searched = createRequire(import.meta.url).resolve.paths('vega-datasets') ?? [];
  const file = searched
    .map((dir) => path.join(dir, 'vega-datasets', 'data', 'flights-3m.parquet'))
    .find((f) => existsSync(f));
  if (!file)
    throw new InvalidArgumentError(
      'The demo needs the vega-datasets package (its data/flights-3m.parquet); run `npm ci` first.',
      { searched },
    );
  return file;
}

async function resetDemoDirectory(dir: string): Promise<void> {
  const entries = existsSync(dir) ? await fs.readdir(dir) : [];
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new InvalidArgumentError(
      `${dir} already exists and is not a Strata demo directory; pass an empty or new directory with --dir.`,
      { dir },
    );
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, MARKER),
    'Created by `strata demo`, which empties this directory each time it runs.\n',
  );
}

/** A path as the user would type it: relative (./x) when under the working directory. */
function displayPath(target: string): string {
  const relative = path.relative(process.cwd(), path.resolve(target));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(target) : `./${relative}`;
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 || prefix.trim() === '' ? prefix : ' '.repeat(prefix.length)) + line)
    .join('\n');
}
