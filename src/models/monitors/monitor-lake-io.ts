/**
 * The warehouse's MonitorIo: inputs read as Delta tables by catalog name, results and
 * alerts appended to the monitor's own Delta tables under
 * `<warehouse>/lake/_monitors/<name>/{results,alerts}` (created with a fixed schema on
 * first write, so a run whose values happen to be integers does not fix a column's type;
 * times are UTC, as timestamp_ntz).
 * The lake (and DuckDB) is imported when a monitor first runs, keeping `strata/models` light.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { StructField } from '../../lake/index.js';
import type { MonitorDefinition } from './monitor-definition.js';
import type { MonitorIo } from './monitor-run.js';

export const MONITORS_DIRECTORY = '_monitors';

const field = (name: string, type: 'string' | 'double' | 'long' | 'boolean' | 'timestamp_ntz'): StructField => ({
  name,
  type,
  nullable: true,
  metadata: {},
});

const RESULT_FIELDS: readonly StructField[] = [
  field('monitor', 'string'),
  field('model', 'string'),
  field('run_id', 'string'),
  field('run_at', 'timestamp_ntz'),
  field('kind', 'string'),
  field('feature', 'string'),
  field('statistic', 'string'),
  field('value', 'double'),
  field('threshold', 'double'),
  field('direction', 'string'),
  field('reference_size', 'long'),
  field('current_size', 'long'),
  field('breach', 'boolean'),
];

const ALERT_FIELDS: readonly StructField[] = [
  field('monitor', 'string'),
  field('run_id', 'string'),
  field('alerted_at', 'timestamp_ntz'),
  field('summary', 'string'),
  field('evidence', 'string'),
  field('webhook', 'string'),
  field('delivered', 'boolean'),
  field('attempts', 'long'),
  field('retrain_flow', 'string'),
];

/** Where a monitor's results (`results`) or alerts (`alerts`) table is. */
export function monitorTableLocation(warehouse: string, monitor: string, table: 'results' | 'alerts'): string {
  return path.join(warehouse, 'lake', MONITORS_DIRECTORY, monitor, table);
}

async function append(location: string, fields: readonly StructField[], rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const { DeltaTable, fromRows } = await import('../../lake/index.js');
  if (!(await DeltaTable.exists(location)))
    await DeltaTable.create(location, { schema: { type: 'struct', fields: [...fields] } });
  await (await DeltaTable.open(location)).append(fromRows(rows as Record<string, unknown>[]));
}

/** Reads a monitor's results or alerts (empty before its first run). */
export async function readMonitorTable(
  warehouse: string,
  monitor: string,
  table: 'results' | 'alerts',
): Promise<Record<string, unknown>[]> {
  const { DeltaTable } = await import('../../lake/index.js');
  const location = monitorTableLocation(warehouse, monitor, table);
  if (!(await DeltaTable.exists(location))) return [];
  return (await DeltaTable.open(location)).rows({
    orderBy: table === 'results' ? 'run_at, kind, feature' : 'alerted_at',
  });
}

export function lakeMonitorIo(warehouse: string, locate: (table: string) => Promise<string>): MonitorIo {
  return {
    async readRows(table, version) {
      const { DeltaTable } = await import('../../lake/index.js');
      const location = await locate(table);
      return (await DeltaTable.open(location, version === undefined ? {} : { version })).rows();
    },
    recordMonitor: (definition) => writeMonitorManifest(warehouse, definition),
    appendResults: (monitor, rows) => append(monitorTableLocation(warehouse, monitor, 'results'), RESULT_FIELDS, rows),
    appendAlert: (monitor, alert) => append(monitorTableLocation(warehouse, monitor, 'alerts'), ALERT_FIELDS, [alert]),
  };
}

/**
 * What the API needs to know of a monitor without loading its definition file: its model
 * and the tables its results describe (a principal who cannot read all of them whole
 * does not see the monitor). Written by every run, beside the results.
 */
export interface MonitorManifest {
  readonly name: string;
  readonly model: string;
  readonly tables: readonly string[];
  readonly features: readonly string[];
}

export function monitorManifest(definition: MonitorDefinition): MonitorManifest {
  const { reference, current } = definition;
  const tables = [reference.table, current.table, ...(current.labels ? [current.labels.table] : [])];
  return {
    name: definition.name,
    model: definition.model,
    tables: [...new Set(tables)],
    features: definition.features.map((f) => f.name),
  };
}

const MANIFEST = 'monitor.json';

export async function writeMonitorManifest(warehouse: string, definition: MonitorDefinition): Promise<void> {
  const directory = path.join(warehouse, 'lake', MONITORS_DIRECTORY, definition.name);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, MANIFEST), `${JSON.stringify(monitorManifest(definition), null, 2)}\n`);
}

/** The monitors that have run in this warehouse, by name. */
export async function listMonitorManifests(warehouse: string): Promise<MonitorManifest[]> {
  const root = path.join(warehouse, 'lake', MONITORS_DIRECTORY);
  const names = await readdir(root).catch(() => [] as string[]);
  const manifests: MonitorManifest[] = [];
  for (const name of names.sort()) {
    const text = await readFile(path.join(root, name, MANIFEST), 'utf8').catch(() => undefined);
    if (text !== undefined) manifests.push(JSON.parse(text) as MonitorManifest);
  }
  return manifests;
}
