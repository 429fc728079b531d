/**
 * Large task outputs live in the lake, not in the metadata database: a task writes
 * its rows as a Delta table of its own (`ctx.outputTable(rows)`) and returns the
 * small reference it gets back; downstreams receive the reference and read the
 * rows with `ctx.readTable(ref)` (at the version written, so a later rerun of the
 * producer never changes what an earlier run's consumer reads).
 *
 * Tables go under `<warehouse>/lake/_flow_outputs/<flow>/<run>/<task>[-<map index>]`;
 * a retry overwrites its earlier attempt's table. The lake module is imported on
 * first use, so flows that never use tables do not load DuckDB.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../../core/index.js';
import type { TaskRequest } from './executor.js';

/** The reference a task returns for rows it stored in the lake. */
export interface TableOutput {
  readonly kind: 'table-output';
  readonly location: string;
  readonly version: number;
  readonly numRows: number;
}

export type TableRows = readonly Readonly<Record<string, unknown>>[];

export const FLOW_OUTPUTS_DIRECTORY = '_flow_outputs';

export function isTableOutput(value: unknown): value is TableOutput {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'table-output' &&
    typeof (value as { location?: unknown }).location === 'string'
  );
}

export function outputLocation(request: TaskRequest): string {
  if (request.warehouse === undefined) {
    throw new InvalidArgumentError(
      `Task "${request.taskId}" of flow "${request.flowId}" cannot store a table output: it does not run in a warehouse.`,
    );
  }
  const task = request.mapIndex >= 0 ? `${request.taskId}-${request.mapIndex}` : request.taskId;
  return path.join(request.warehouse, 'lake', FLOW_OUTPUTS_DIRECTORY, request.flowId, String(request.runId), task);
}

export async function writeTableOutput(request: TaskRequest, rows: TableRows): Promise<TableOutput> {
  if (rows.length === 0)
    throw new InvalidArgumentError(
      `ctx.outputTable: no rows to store (a Delta table needs a schema: return [] as a plain output instead).`,
    );
  const { DeltaTable, fromRows } = await import('../../lake/index.js');
  const location = outputLocation(request);
  const data = fromRows(rows);
  const written = (await DeltaTable.exists(location))
    ? await (await DeltaTable.open(location)).overwrite(data, { overwriteSchema: true })
    : (await DeltaTable.appendOrCreate(location, data)).result;
  return { kind: 'table-output', location, version: written.version, numRows: rows.length };
}

export async function readTableOutput(ref: TableOutput): Promise<Record<string, unknown>[]> {
  if (!isTableOutput(ref))
    throw new InvalidArgumentError(
      `ctx.readTable: expected the reference a task returned from ctx.outputTable(), got ${JSON.stringify(ref)}.`,
    );
  const { DeltaTable } = await import('../../lake/index.js');
  return (await DeltaTable.open(ref.location, { version: ref.version })).rows();
}
