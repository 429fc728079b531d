/**
 * `strata sql "<SQL>"`: DuckDB SQL in which delta_scan('<path>') reads Delta tables.
 * Prints the result as a table (the first --max-rows rows), or with --out writes the
 * whole result to a Parquet, CSV or JSON-lines file chosen by its extension.
 */
import type { Command } from 'commander';
import { copySql, runSql } from '../engine/index.js';
import { nonNegativeInteger } from './option-parsers.js';
import { countText, formatTable } from './text-table.js';

interface SqlOptions {
  readonly out?: string;
  readonly maxRows: number;
}

export function registerSqlCommand(program: Command): void {
  program
    .command('sql')
    .description("run DuckDB SQL; delta_scan('<path>' [, version => N | timestamp => '<ts>']) reads a Delta table")
    .argument('<sql>', 'the SQL text (quote it for the shell)')
    .option('-o, --out <file>', 'write the full result to a .parquet, .csv or .jsonl/.ndjson/.json file')
    .option('--max-rows <n>', 'rows to print at most', nonNegativeInteger, 100)
    .addHelpText('after', `
Examples:
  strata sql "SELECT count(*) FROM delta_scan('./events')"
  strata sql "SELECT * FROM delta_scan('./events', version => 0) LIMIT 5"
  strata sql "SELECT * FROM delta_scan('./events', timestamp => '2026-01-01T00:00:00Z')" --out old.parquet`)
    .action(async (sql: string, options: SqlOptions) => {
      if (options.out) {
        const written = await copySql(sql, options.out);
        process.stdout.write(`wrote ${countText(written.rowCount, 'row')} to ${written.path} (${written.format})\n`);
        return;
      }
      const result = await runSql(sql, { maxRows: options.maxRows });
      process.stdout.write(`${formatTable(result.columns, result.rows)}\n`);
      const omitted = result.rowCount - result.rows.length;
      process.stdout.write(omitted > 0
        ? `(${countText(result.rowCount, 'row')}; showing the first ${result.rows.length.toLocaleString('en-US')}, ${omitted.toLocaleString('en-US')} omitted: raise --max-rows or use --out FILE)\n`
        : `(${countText(result.rowCount, 'row')})\n`);
    });
}
