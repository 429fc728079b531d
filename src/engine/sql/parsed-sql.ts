/**
 * One parse of a SQL text, shared by every step that reads it: the sandbox policy, the
 * named-table rewrite and data skipping take this object instead of each asking DuckDB
 * (`json_serialize_sql`) again. A text seen recently is not parsed again at all.
 *
 * The parse is DuckDB's own, so it means what DuckDB will run; the tokens are Strata's
 * (sql-tokenizer.ts), for what DuckDB's tree does not give (the end of a table name, an
 * AT clause's text, calls in text DuckDB cannot parse). Both are shared: never change them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { Cache } from '../../core/index.js';
import type { AstNode } from './sql-ast.js';
import { tokenize, type Token } from './sql-tokenizer.js';

export interface ParsedSql {
  readonly sql: string;
  /** Every token of the text, spaces and comments included. */
  readonly tokens: readonly Token[];
  /** DuckDB's tree of each statement (undefined when DuckDB cannot serialize the text: see `error`). */
  readonly statements: readonly AstNode[] | undefined;
  /** DuckDB's message when it cannot serialize the text (not a SELECT, or a syntax error). */
  readonly error: string | undefined;
}

/** Parses of recent texts. */
const recent = new Cache<string, ParsedSql>({ maxEntries: 64 });
const LONGEST_REMEMBERED = 64 * 1024;

/** DuckDB's parse of `sql` (one `json_serialize_sql`, none when the text was parsed recently). */
export async function parseSql(connection: DuckDBConnection, sql: string): Promise<ParsedSql> {
  const remembered = recent.get(sql);
  if (remembered) return remembered;
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const tree = JSON.parse(String(reader.getRows()[0]?.[0] ?? '{"error":true}')) as {
    error?: boolean;
    error_message?: string;
    statements?: Array<{ node?: AstNode }>;
  };
  const failed = tree.error === true || !tree.statements;
  const parsed: ParsedSql = Object.freeze({
    sql,
    tokens: tokenize(sql),
    statements: failed ? undefined : tree.statements!.map((s) => s.node ?? {}),
    error: failed ? (tree.error_message ?? 'DuckDB cannot parse the statement.') : undefined,
  });
  remember(parsed);
  return parsed;
}

function remember(parsed: ParsedSql): void {
  if (parsed.sql.length > LONGEST_REMEMBERED) return;
  recent.set(parsed.sql, parsed);
}

/**
 * The statements of `sql` (SELECTs only), or undefined when DuckDB cannot serialize it
 * (not a query, or a syntax error). The trees are shared: callers must not change them.
 */
export async function parseStatements(
  connection: DuckDBConnection,
  sql: string,
): Promise<readonly AstNode[] | undefined> {
  return (await parseSql(connection, sql)).statements;
}

/** The parsed SELECT node of a query text, to fill in with other parsed pieces. */
export async function selectTemplate(connection: DuckDBConnection, sql: string): Promise<AstNode> {
  const [node] = (await parseStatements(connection, sql)) ?? [];
  if (!node) throw new Error(`cannot parse the template ${sql}`);
  return node;
}
