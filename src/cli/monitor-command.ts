/**
 * `strata monitor list|run|results|alerts`: the warehouse's monitors (definitions in
 * `monitors/*.ts` importing `strata/models`), a run now (results and alerts written to
 * the monitor's Delta tables), and reading what runs wrote. Scheduled runs are flows:
 * `export default monitorFlow(defineMonitor(...))` in a flow file.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Catalog } from '../catalog/index.js';
import type { MonitorDefinition } from '../models/index.js';
import { formatTable } from './text-table.js';

interface Options {
  readonly warehouse?: string;
  readonly dir?: string;
  readonly json?: boolean;
  readonly limit?: string;
  readonly retrain?: boolean;
}

async function withCatalog<T>(options: Options, work: (catalog: Catalog) => Promise<T>): Promise<T> {
  const { Catalog } = await import('../catalog/index.js');
  const catalog = await Catalog.open(options.warehouse === undefined ? {} : { warehouse: options.warehouse });
  try {
    return await work(catalog);
  } finally {
    await catalog.close();
  }
}

async function loadMonitors(catalog: Catalog, dir: string | undefined): Promise<MonitorDefinition[]> {
  const { importUserModule, listFlowFiles } = await import('../flows/index.js');
  const directory = path.resolve(dir ?? path.join(catalog.warehouse.directory, 'monitors'));
  const found: MonitorDefinition[] = [];
  for (const file of await listFlowFiles(directory).catch(() => [])) {
    const module = await importUserModule(file, await readFile(file));
    for (const value of Object.values(module).flatMap((v) => (Array.isArray(v) ? v : [v])))
      if ((value as { kind?: unknown } | null)?.kind === 'monitor') found.push(value as MonitorDefinition);
  }
  return [...new Set(found)].sort((a, b) => a.name.localeCompare(b.name));
}

/** The models module, loaded when a monitor command runs. */
const models = () => import('../models/index.js');

async function find(monitors: readonly MonitorDefinition[], name: string): Promise<MonitorDefinition> {
  const { ModelNotFoundError } = await models();
  const monitor = monitors.find((m) => m.name === name);
  if (monitor === undefined)
    throw new ModelNotFoundError(
      `No monitor named ${name} in monitors/ (found: ${monitors.map((m) => m.name).join(', ') || 'none'}).`,
      { monitor: name },
    );
  return monitor;
}

const print = (json: boolean | undefined, rows: readonly Record<string, unknown>[], columns: readonly string[]) => {
  if (json === true) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else
    process.stdout.write(
      `${formatTable(
        columns.map((name) => ({ name })),
        rows.map((r) => columns.map((c) => (r[c] instanceof Date ? (r[c] as Date).toISOString() : String(r[c] ?? '')))),
      )}\n`,
    );
};

const common = (command: Command) =>
  command
    .option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)')
    .option('--dir <dir>', 'the monitor definitions folder (default: <warehouse>/monitors)')
    .option('--json', 'print JSON');

export function registerMonitorCommand(program: Command): void {
  const group = program.command('monitor').description('model monitors: drift, data quality, performance, alerts');

  common(group.command('list').description('the monitors defined in monitors/')).action((options: Options) =>
    withCatalog(options, async (catalog) => {
      const monitors = await loadMonitors(catalog, options.dir);
      print(
        options.json,
        monitors.map((m) => ({
          name: m.name,
          model: m.model,
          reference: m.reference.table,
          current: m.current.table,
          features: m.features.map((f) => f.name).join(','),
          schedule: m.schedule?.kind ?? 'manual',
        })),
        ['name', 'model', 'reference', 'current', 'features', 'schedule'],
      );
    }),
  );

  common(group.command('run').description('run a monitor now').argument('<name>', 'the monitor'))
    .option('--retrain', "on a breach, queue a run of the monitor's retraining flow (alerts.retrainFlow)")
    .action(async (name: string, options: Options) => {
      const outcome = await withCatalog(options, async (catalog) => {
        const { lakeMonitorIo, runMonitor } = await models();
        const monitor = await find(await loadMonitors(catalog, options.dir), name);
        const io = lakeMonitorIo(
          catalog.warehouse.directory,
          async (table) => (await catalog.openTable(table)).location,
        );
        return runMonitor(monitor, io, {
          runId: `cli-${new Date().toISOString()}`,
          log: (line) => process.stderr.write(`${line}\n`),
        });
      });
      if (options.json === true) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else {
        print(undefined, outcome.evaluation.results as unknown as Record<string, unknown>[], [
          'kind',
          'feature',
          'statistic',
          'value',
          'threshold',
          'reference_size',
          'current_size',
          'breach',
        ]);
        process.stdout.write(`${outcome.evaluation.breached ? 'BREACH' : 'ok'}: ${outcome.evaluation.summary}\n`);
      }
      const flow = outcome.alert?.retrainFlow;
      if (flow === undefined) return;
      if (options.retrain !== true) {
        process.stderr.write(`retrain: strata flow run ${flow} (or pass --retrain)\n`);
        return;
      }
      // After the catalog is closed: the flow control opens the warehouse's database itself.
      const { openFlowControl } = await import('../flows/index.js');
      const control = await openFlowControl(options.warehouse === undefined ? {} : { warehouse: options.warehouse });
      try {
        await control.loadFlows(undefined);
        const run = await control.trigger(flow);
        process.stderr.write(`retrain: run ${run.runId} of ${flow} ${run.created ? 'queued' : 'exists'}\n`);
      } finally {
        await control.close();
      }
    });

  for (const table of ['results', 'alerts'] as const) {
    common(
      group
        .command(table)
        .description(table === 'results' ? "a monitor's results, newest runs last" : "a monitor's alerts")
        .argument('<name>', 'the monitor'),
    )
      .option('--limit <n>', 'the last n rows', '200')
      .action((name: string, options: Options) =>
        withCatalog(options, async (catalog) => {
          const { readMonitorTable } = await models();
          const rows = (await readMonitorTable(catalog.warehouse.directory, name, table)).slice(
            -Number(options.limit ?? 200),
          );
          print(
            options.json,
            rows,
            table === 'results'
              ? ['run_at', 'kind', 'feature', 'statistic', 'value', 'threshold', 'current_size', 'breach']
              : ['alerted_at', 'run_id', 'summary', 'webhook', 'delivered', 'attempts', 'retrain_flow'],
          );
        }),
      );
  }
}
