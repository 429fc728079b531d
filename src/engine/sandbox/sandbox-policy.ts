/**
 * What sandboxed (untrusted) SQL may say, checked before anything is bound or run:
 * exactly one query (SELECT, WITH, VALUES, FROM ...) over catalog table names, CTEs,
 * subqueries and a few pure table functions (range, unnest ...). Everything else is
 * refused with a SandboxViolationError naming what and why: other statements (ATTACH,
 * INSTALL, LOAD, SET, PRAGMA, COPY, EXPORT, CREATE SECRET, CALL ...), functions that
 * read files (read_csv, read_parquet, glob ...), file names used as tables, names in
 * other databases, `delta_scan(...)` on a path, `table_changes(...)` on a path.
 *
 * The query's structure comes from DuckDB's own parser (json_serialize_sql), so words
 * inside strings and comments never trigger a refusal. This check gives the clear
 * message; the locked sandbox instance (sandbox-duckdb.ts) is what guarantees that no
 * file outside the lake is touched even if a refusal here were missed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SandboxViolationError, SqlExecutionError, UnsupportedStatementError } from '../errors.js';
import { splitStatements } from '../sql/statement-parser.js';
import { parseSql, type ParsedSql } from '../sql/parsed-sql.js';
import { significant, stringValue, type Token } from '../sql/sql-tokenizer.js';

/** Table functions that compute rows from their arguments and touch nothing else. */
const PURE_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'range',
  'generate_series',
  'unnest',
  'json_each',
  'json_tree',
]);

/** Why a statement other than a query is refused, by its leading keyword. */
const STATEMENT_REASONS: Readonly<Record<string, string>> = {
  ATTACH: 'attaching a database would reach data outside the lake',
  DETACH: 'the sandbox has no databases to detach',
  INSTALL: 'installing extensions is disabled',
  LOAD: 'loading extensions is disabled',
  SET: 'the configuration is locked',
  RESET: 'the configuration is locked',
  PRAGMA: 'the configuration is locked',
  COPY: 'reading and writing files is disabled; export results through the API',
  EXPORT: 'writing files is disabled',
  IMPORT: 'reading files is disabled',
  CALL: 'procedures may read settings or files',
  USE: 'the sandbox has only the lake',
  CREATE: 'statements here only read; tables are created through the catalog',
};

/** Throws unless `sql` is one query the sandbox allows (see the module comment). */
export async function checkSandboxedSql(connection: DuckDBConnection, sql: string): Promise<void> {
  checkParsedSql(await parseSql(connection, sql));
}

/** checkSandboxedSql on a text already parsed (the rewrite and data skipping then use the same parse). */
export function checkParsedSql(parsed: ParsedSql): void {
  const statements = splitStatements(parsed.sql);
  if (statements.length > 1) {
    throw new UnsupportedStatementError(`Give one statement at a time here; the text has ${statements.length}.`, {
      statements: statements.length,
    });
  }
  const tokens = significant(parsed.tokens);
  // A DML statement without expressions binds an empty SELECT, which never runs.
  if (tokens.length <= 1) return;
  checkCalls(tokens);
  if (parsed.statements === undefined) {
    if (/only select statements/i.test(parsed.error ?? '')) throw refusedStatement(tokens);
    throw new SqlExecutionError(parsed.error ?? 'DuckDB cannot parse the statement.', { sql: parsed.sql });
  }
  visit(parsed.statements);
}

function refusedStatement(tokens: readonly Token[]): SandboxViolationError {
  const first = tokens[0]!.text.toUpperCase();
  const statement =
    first === 'CREATE' || first === 'UPDATE'
      ? tokens
          .slice(0, 2)
          .map((t) => t.text.toUpperCase())
          .join(' ')
      : first;
  const reason = STATEMENT_REASONS[first] ?? 'only read-only queries (SELECT, WITH, VALUES, FROM) run here';
  return new SandboxViolationError(`${statement} is not allowed in sandboxed SQL: ${reason}.`, { refused: statement });
}

/**
 * delta_scan and table_changes calls are found by Strata's tokenizer before DuckDB
 * sees them (delta-scan-sql.ts, table-changes-sql.ts), even in text DuckDB cannot
 * parse, so they are checked on the tokens too.
 */
function checkCalls(tokens: readonly Token[]): void {
  tokens.forEach((token, i) => {
    if (token.kind !== 'word' || tokens[i + 1]?.text !== '(' || tokens[i - 1]?.text === '.') return;
    const name = token.text.toLowerCase();
    if (name === 'delta_scan') {
      throw new SandboxViolationError(
        'delta_scan(...) is not allowed in sandboxed SQL: it reads any path. Name the catalog table instead (e.g. FROM sales, or sales AT (VERSION => 3)).',
        { refused: 'delta_scan' },
      );
    }
    const argument = tokens[i + 2];
    if (name === 'table_changes' && argument?.kind === 'string' && /[/\\:]/.test(stringValue(argument))) {
      throw new SandboxViolationError(
        `table_changes('${stringValue(argument)}', ...) is not allowed in sandboxed SQL: give a catalog table name, not a path.`,
        { refused: 'table_changes' },
      );
    }
  });
}

/** Walks DuckDB's parse tree, refusing table references the sandbox does not allow. */
function visit(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(visit);
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === 'TABLE_FUNCTION') checkTableFunction(record.function as Record<string, unknown> | undefined);
  if (record.type === 'BASE_TABLE') checkBaseTable(record);
  if (record.type === 'SHOW_REF') {
    throw new SandboxViolationError(
      "DESCRIBE, SHOW and SUMMARIZE are not allowed in sandboxed SQL: ask the API for a table's schema instead.",
      { refused: 'SHOW' },
    );
  }
  Object.values(record).forEach(visit);
}

function checkTableFunction(fn: Record<string, unknown> | undefined): void {
  const name = String(fn?.function_name ?? '').toLowerCase();
  if (fn?.schema || fn?.catalog) {
    throw new SandboxViolationError(
      `${String(fn.schema || fn.catalog)}.${name}(...) is not allowed in sandboxed SQL: only a few built-in table functions are.`,
      { refused: name },
    );
  }
  if (name === 'table_changes' || PURE_TABLE_FUNCTIONS.has(name)) return;
  const why = /^(read_|parquet_|sniff_|glob$|.*_scan$)/.test(name)
    ? "it reads files; only the lake's catalog tables can be read, by name"
    : `only ${[...PURE_TABLE_FUNCTIONS, 'table_changes'].join(', ')} are`;
  throw new SandboxViolationError(`Table function ${name}(...) is not allowed in sandboxed SQL: ${why}.`, {
    refused: name,
  });
}

function checkBaseTable(ref: Record<string, unknown>): void {
  const table = String(ref.table_name ?? '');
  if (ref.catalog_name) {
    throw new SandboxViolationError(
      `${String(ref.catalog_name)}.${String(ref.schema_name)}.${table} is not allowed in sandboxed SQL: only the lake's catalog tables can be read.`,
      { refused: 'database' },
    );
  }
  // DuckDB reads a table name that looks like a file (FROM 'x.csv') as that file.
  if (/[/\\]|:\/\/|\.(csv|tsv|txt|parquet|json|jsonl|ndjson|gz|zst|db|duckdb|sqlite|xlsx|arrow)$/i.test(table)) {
    throw new SandboxViolationError(
      `Reading the file "${table}" is not allowed in sandboxed SQL: only the lake's catalog tables can be read, by name.`,
      { refused: 'file', file: table },
    );
  }
}
