/**
 * Row results as a Parquet file. The rows (already computed by the query service) are
 * staged as NDJSON in os.tmpdir() and copied to Parquet by the lake's DuckDB with the
 * result's column types, so the file has the same types as the query, not inferred
 * ones. Nothing here reads tables: the sandbox stays the only way to lake data.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SqlColumn } from '../../engine/index.js';
import { quoteIdent, quoteLiteral, withConnection } from '../../lake/index.js';
import type { Row } from './formats-writers.js';

export async function parquetBody(columns: readonly SqlColumn[], rows: readonly Row[]): Promise<Buffer> {
  const base = path.join(os.tmpdir(), `strata-api-${randomUUID()}`);
  const input = `${base}.ndjson`;
  const output = `${base}.parquet`;
  try {
    const names = uniqueNames(columns.map((c) => c.name));
    let relation: string;
    if (rows.length === 0) {
      relation = `SELECT ${columns.map((c, i) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(names[i]!)}`).join(', ') || '1 AS "empty"'} WHERE false`;
    } else {
      // Staged under positional keys: result column names may repeat or be any text.
      await fs.writeFile(
        input,
        rows.map((row) => JSON.stringify(Object.fromEntries(row.map((v, i) => [`c${i}`, v])))).join('\n'),
      );
      const types = columns.map((c, i) => `${quoteLiteral(`c${i}`)}: ${quoteLiteral(c.type)}`).join(', ');
      relation = `SELECT ${columns.map((_, i) => `"c${i}" AS ${quoteIdent(names[i]!)}`).join(', ')} FROM read_json(${quoteLiteral(input)}, format = 'newline_delimited', columns = {${types}})`;
    }
    await withConnection((connection) =>
      connection.run(`COPY (${relation}) TO ${quoteLiteral(output)} (FORMAT parquet)`),
    );
    return await fs.readFile(output);
  } finally {
    await Promise.all([fs.rm(input, { force: true }), fs.rm(output, { force: true })]);
  }
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}_${n}`;
  });
}
