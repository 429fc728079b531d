/**
 * `strata sql`: SQL over the lake. Inside a warehouse (`strata init`; found from the
 * current directory or STRATA_WAREHOUSE, or given with --warehouse) tables are named
 * and DDL, DML and maintenance statements work; anywhere, `delta_scan('<path>')` reads
 * a Delta table by path. The SQL comes from the argument, `-f FILE`, standard input,
 * or, with none of them on a terminal, an interactive shell.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { Catalog, WarehouseNotFoundError } from '../catalog/index.js';
import { withoutWarehouseError } from './sql-errors.js';
import { SqlSession, runSql, type StatementResult } from '../engine/index.js';
import { nonNegativeInteger } from './option-parsers.js';
import { runRepl } from './sql-repl.js';
import { printResult } from './sql-output.js';
import { OUT_FORMATS, checkFormatNeedsOut, writeOut, type OutFormat } from './sql-out.js';

interface SqlOptions {
  readonly out?: string;
  readonly format?: OutFormat;
  readonly file?: string;
  readonly maxRows: number;
  readonly warehouse?: string;
  readonly interactive?: boolean;
}

export function registerSqlCommand(program: Command): void {
  program
    .command('sql')
    .description(
      "run SQL: named tables inside a warehouse, delta_scan('<path>' [, version => N | timestamp => '<ts>']) anywhere; no SQL on a terminal starts a shell",
    )
    .argument('[sql]', 'the SQL text (quote it for the shell); several statements are separated by ;')
    .option('-f, --file <file>', 'run the statements in a .sql file')
    .option(
      '-o, --out <file>',
      'write the full result of a query to a .parquet, .csv or .jsonl/.ndjson/.json file, or to stdout with - (CSV unless --format)',
    )
    .addOption(
      new Option('--format <format>', "the --out format (default: the file's extension; csv for --out -)").choices(
        OUT_FORMATS,
      ),
    )
    .option('--max-rows <n>', 'rows to print at most', nonNegativeInteger, 100)
    .option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)')
    .option('-i, --interactive', 'the interactive shell, even when standard input is not a terminal')
    .addHelpText(
      'after',
      `
Examples:
  strata sql "SELECT count(*) FROM delta_scan('./events')"
  strata sql "CREATE TABLE events (id BIGINT, kind VARCHAR) PARTITIONED BY (kind)"   # in a warehouse
  strata sql "DELETE FROM events WHERE id < 10; SELECT count(*) FROM events AT (VERSION => 0)"
  strata sql -f migrate.sql
  strata sql "SELECT * FROM events" --out - | head              # CSV on stdout; --format jsonl for JSON lines
  strata sql                                   # interactive shell: \\d lists tables, \\q quits`,
    )
    .action(async (sql: string | undefined, options: SqlOptions) => {
      checkFormatNeedsOut(options.format, options.out);
      const catalog = await openCatalog(options.warehouse);
      try {
        const session = catalog ? new SqlSession(catalog, { maxRows: options.maxRows }) : undefined;
        const text = sql ?? (options.file ? readFileSync(options.file, 'utf8') : undefined);
        if (text === undefined && (process.stdin.isTTY || options.interactive))
          return await runRepl(session, options.maxRows);
        const script = text ?? readFileSync(0, 'utf8');
        if (options.out) return await writeOut(session, script, options.out, options.format);
        if (!session) return printResult(toResult(await runSql(script, { maxRows: options.maxRows })));
        for (const result of await session.execute(script)) printResult(result);
      } catch (error) {
        throw catalog ? error : withoutWarehouseError(error);
      } finally {
        await catalog?.close();
      }
    });
}

/** The warehouse's catalog; without a warehouse (and none asked for) SQL runs on paths only. */
async function openCatalog(warehouse: string | undefined): Promise<Catalog | undefined> {
  try {
    return await Catalog.open(warehouse ? { warehouse } : {});
  } catch (error) {
    if (error instanceof WarehouseNotFoundError && warehouse === undefined) return undefined;
    throw error;
  }
}

function toResult(result: Awaited<ReturnType<typeof runSql>>): StatementResult {
  return { statement: 'query', columns: result.columns, rows: result.rows, rowCount: result.rowCount };
}
