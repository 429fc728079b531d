/**
 * On-demand features of a training set: computed in TypeScript by the functions serving
 * runs (serving/on-demand-compute.ts), over the point-in-time result in batches of rows
 * read from DuckDB by `__row_index` ranges, written to a staged NDJSON file and read back
 * typed, then joined to the result by `__row_index`. Row order is kept and hidden input
 * columns are dropped.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../lake/index.js';
import { DUCKDB_TYPE, type FeatureType } from '../definition/feature-types.js';
import { TrainingSetError } from '../errors.js';
import type { FeatureValue } from '../online/index.js';
import { computeOnDemand } from '../serving/on-demand-compute.js';
import type { OnDemandColumns } from './on-demand-columns.js';

const BATCH_ROWS = 10_000;

export interface OnDemandStaged {
  /** The result with the on-demand columns, ordered by `__row_index`. */
  readonly sql: string;
  release(): Promise<void>;
}

function jsonOf(value: FeatureValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * `resultSql`: the point-in-time result (with `__row_index` and every input column);
 * `inputColumns`: the entity rows' own columns (request data comes from them);
 * `hidden`: columns to drop.
 */
export async function stageOnDemand(
  connection: DuckDBConnection,
  resultSql: string,
  columns: OnDemandColumns,
  inputColumns: readonly string[],
  hidden: readonly string[],
): Promise<OnDemandStaged> {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const pit = `__pit_${id}`;
  const odf = `__odf_${id}`;
  const file = path.join(os.tmpdir(), `strata-on-demand-${id}.ndjson`);
  const release = async () => {
    await connection.run(`DROP TABLE IF EXISTS ${pit}`);
    await connection.run(`DROP TABLE IF EXISTS ${odf}`);
    await rm(file, { force: true });
  };
  try {
    await connection.run(`CREATE TEMP TABLE ${pit} AS ${resultSql}`);
    const requestData = new Set(columns.steps.flatMap((s) => Object.keys(s.definition.requestData)));
    for (const name of requestData)
      if (!inputColumns.includes(name))
        throw new TrainingSetError(
          `The entity rows have no column ${name}, the request data of an on-demand feature; add it to the entity rows.`,
          { column: name },
        );
    const reads = [
      ...[...columns.inputColumns].map(([key, column]) => [key, column] as const),
      ...[...requestData].map((name) => [name, name] as const),
    ];
    const types = new Map<string, FeatureType>();
    for (const step of columns.steps)
      for (const [name, type] of Object.entries(step.definition.features))
        types.set(`${step.definition.name}:${name}`, type);
    const range = (
      await connection.runAndReadAll(
        `SELECT min(__row_index)::BIGINT AS lo, max(__row_index)::BIGINT AS hi FROM ${pit}`,
      )
    ).getRowObjectsJS()[0]!;
    const out = createWriteStream(file);
    const select = ['__row_index', ...new Set(reads.map(([, c]) => c))].map(quoteIdent).join(', ');
    for (let lo = Number(range.lo ?? 0); range.hi !== null && lo <= Number(range.hi); lo += BATCH_ROWS) {
      const batch = (
        await connection.runAndReadAll(
          `SELECT ${select} FROM ${pit} WHERE __row_index >= ${lo} AND __row_index < ${lo + BATCH_ROWS} ORDER BY __row_index`,
        )
      ).getColumnsObjectJS() as Record<string, unknown[]>;
      const rows = batch.__row_index!;
      if (rows.length === 0) continue;
      const byKey = new Map(reads.map(([key, column]) => [key, batch[column]!]));
      const computed = new Map<string, FeatureValue[]>();
      computeOnDemand(columns.steps, rows.length, (key) => byKey.get(key), computed, lo);
      let text = '';
      for (let r = 0; r < rows.length; r++) {
        const line: Record<string, unknown> = { __row_index: String(rows[r]) };
        for (const { ref, output } of columns.outputs) line[output] = jsonOf(computed.get(ref)![r]!);
        text += `${JSON.stringify(line)}\n`;
      }
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const spec = [
      `'__row_index': 'BIGINT'`,
      ...columns.outputs.map((o) => `${quoteLiteral(o.output)}: '${DUCKDB_TYPE[types.get(o.ref)!]}'`),
    ];
    await connection.run(
      `CREATE TEMP TABLE ${odf} AS SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = {${spec.join(', ')}})`,
    );
    const exclude = hidden.length > 0 ? ` EXCLUDE (${hidden.map(quoteIdent).join(', ')})` : '';
    const added = columns.outputs.map((o) => `o.${quoteIdent(o.output)}`).join(', ');
    return {
      sql: `SELECT p.*${exclude}, ${added} FROM ${pit} p LEFT JOIN ${odf} o ON o.__row_index = p.__row_index ORDER BY p.__row_index`,
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}
