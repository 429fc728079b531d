/**
 * rest_miss_p50_ms: an uncached REST read of one row by key (`GET
 * /v1/tables/main.t/rows?id=eq.<k>`, a different key each request, on a server started
 * with `cacheBytes: 0`), sequential requests from this process, p50; reported beside
 * DuckDB's own time for the same read (`read_parquet` of the table's data files with
 * `WHERE id = <k>` on a fresh connection, rows converted), same run, alternating.
 * What the difference holds: HTTP, the grant check, planning (parse, check, rewrite,
 * skipping), the sandbox connection and the JSON body.
 */
import { DeltaTable, withConnection } from '../../src/lake/index.js';
import { JsonDuckDBValueConverter } from '@duckdb/node-api';
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import { readParquetSql } from '../sql/base-table.js';
import { apiWarehouse, Served, T_ROWS } from './api-warehouse.js';

const WARMUP = 20;
const ROUNDS = 201;

export const restMiss: Scenario = {
  name: 'rest_miss_p50_ms',
  description: `uncached REST read of one row of main.t by key vs DuckDB read_parquet of the same files, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    try {
      const server = await served.start({ cacheBytes: 0 });
      const table = await served.catalog.getTable('main.t');
      const snapshot = (await DeltaTable.open(table.location)).snapshot;
      const files = readParquetSql(
        snapshot,
        table.location.startsWith('file:') ? new URL(table.location).pathname : table.location,
      );
      const rest = async (key: number) => {
        const response = await fetch(`${server.url}/v1/tables/main.t/rows?id=eq.${key}`);
        const rows = (await response.json()) as Array<{ id: number }>;
        if (response.status !== 200 || rows.length !== 1 || rows[0]!.id !== key)
          throw new Error(`REST read of id ${key}: ${response.status} ${JSON.stringify(rows).slice(0, 200)}`);
      };
      const duckdb = async (key: number) => {
        const rows = await withConnection(async (c) => {
          const result = await c.stream(`SELECT * FROM ${files} WHERE id = ${key}`);
          const out: unknown[] = [];
          for await (const chunk of result) out.push(...chunk.convertRows(JsonDuckDBValueConverter));
          return out;
        });
        if (rows.length !== 1) throw new Error(`DuckDB read of id ${key}: ${rows.length} rows`);
      };
      const restMs: number[] = [];
      const duckMs: number[] = [];
      for (let round = 0; round < WARMUP + ROUNDS; round++) {
        const key = (round * 7919) % T_ROWS;
        const sides: Array<[number[], (k: number) => Promise<void>]> = [
          [restMs, rest],
          [duckMs, duckdb],
        ];
        for (const [samples, read] of round % 2 === 0 ? sides : [...sides].reverse()) {
          const started = performance.now();
          await read(key);
          if (round >= WARMUP) samples.push(performance.now() - started);
        }
      }
      log(`REST miss p50 ${median(restMs).toFixed(2)} ms, DuckDB read_parquet p50 ${median(duckMs).toFixed(2)} ms`);
      return [
        {
          name: 'rest_miss_p50_ms',
          value: median(restMs),
          unit: 'ms',
          note: `GET /v1/tables/main.t/rows?id=eq.<k> (${T_ROWS.toLocaleString('en-US')} rows, ${snapshot.files.length} files), cacheBytes 0, a new key each request; samples ${spread(restMs, 1)} ms`,
        },
        {
          name: 'rest_miss_duckdb_p50_ms',
          value: median(duckMs),
          unit: 'ms',
          note: `DuckDB read_parquet of the same files WHERE id = <k>, fresh connection; samples ${spread(duckMs, 1)} ms`,
        },
      ] satisfies BenchResult[];
    } finally {
      await served.close();
    }
  },
};
