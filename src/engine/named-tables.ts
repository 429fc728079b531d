/**
 * Named lake tables in queries: every base-table reference that the catalog resolves
 * (`sales`, `main.sales`, `sales AT (VERSION => 3)`, `sales AT (TIMESTAMP => '...')`)
 * is rewritten into a `delta_scan('<location>', ...)` call, which the delta_scan binder
 * then turns into a snapshot scan with data skipping.
 *
 * Table references are found by DuckDB's own parser (`json_serialize_sql`, which gives
 * each reference's offset and AT clause), so names inside strings, comments, column
 * references or CTE names are never touched. A text DuckDB cannot parse is returned
 * unchanged, so that DuckDB reports the syntax error itself.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../lake/index.js';
import { significant, tokenize, type Token } from './sql-tokenizer.js';

/**
 * A table read through a restriction (an API grant): only these columns (null: all)
 * and only rows matching this predicate over its columns (null: all).
 */
export interface RestrictedTable {
  readonly location: string;
  readonly columns: readonly string[] | null;
  readonly rowFilter: string | null;
}

/** Resolves table names to Delta locations; implemented by the catalog. */
export interface TableResolver {
  /**
   * The Delta location of `schema.table` (schema undefined: the default), or undefined
   * when it is not a lake table. A RestrictedTable reads as a subquery over the scan
   * with its columns and rows only (the AT clause still applies to the scan).
   */
  resolveTable(schema: string | undefined, table: string): Promise<string | RestrictedTable | undefined>;
}

/** The location a resolver's answer names. */
export function locationOf(resolved: string | RestrictedTable | undefined): string | undefined {
  return typeof resolved === 'object' ? resolved.location : resolved;
}

interface TableRef {
  readonly start: number;
  readonly schema: string | undefined;
  readonly table: string;
  readonly alias: string;
  readonly at: { readonly unit: string } | null;
}

export async function rewriteNamedTables(
  connection: DuckDBConnection,
  sql: string,
  resolver: TableResolver,
): Promise<string> {
  const refs = await baseTableRefs(connection, sql);
  if (refs.length === 0) return sql;
  const resolved = await Promise.all(refs.map((r) => resolver.resolveTable(r.schema, r.table)));
  const tokens = tokenize(sql);
  let out = '';
  let at = 0;
  refs.forEach((ref, i) => {
    const target = resolved[i];
    if (target === undefined) return;
    const span = referenceSpan(tokens, ref.start);
    const option = span.atOption ? `, ${span.atOption}` : '';
    // The span swallows an alias written before AT: it is put back after the scan.
    const alias = ref.alias === '' || span.aliased ? ` AS ${quoteIdent(ref.alias || ref.table)}` : '';
    const scan = `delta_scan(${quoteLiteral(locationOf(target)!)}${option})`;
    out += `${sql.slice(at, ref.start)}${typeof target === 'string' ? scan : restrictedScan(scan, target)}${alias}`;
    at = span.end;
  });
  return out + sql.slice(at);
}

/**
 * The scan as a subquery with the allowed columns and rows only. The user's alias (or
 * the table's name) then names the subquery, so `t.col` references keep working, and a
 * column outside the list is an unknown column to DuckDB.
 */
function restrictedScan(scan: string, restriction: RestrictedTable): string {
  const columns = restriction.columns === null ? '*' : restriction.columns.map(quoteIdent).join(', ');
  const where = restriction.rowFilter === null ? '' : ` WHERE (${restriction.rowFilter})`;
  return `(SELECT ${columns} FROM ${scan}${where})`;
}

/** Base-table references outside CTE names, in text order. */
async function baseTableRefs(connection: DuckDBConnection, sql: string): Promise<TableRef[]> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS ast', [sql]);
  const ast = JSON.parse(String(reader.getRowsJson()[0]![0])) as { error?: boolean };
  if (ast.error) return [];
  const refs: TableRef[] = [];
  const cteNames = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === 'BASE_TABLE' && record.catalog_name === '' && typeof record.query_location === 'number') {
      refs.push({
        start: record.query_location,
        schema: record.schema_name ? String(record.schema_name) : undefined,
        table: String(record.table_name),
        alias: String(record.alias ?? ''),
        at: (record.at_clause as TableRef['at']) ?? null,
      });
    }
    const cteMap = record.cte_map as { map?: Array<{ key?: unknown }> } | undefined;
    for (const entry of cteMap?.map ?? []) if (typeof entry.key === 'string') cteNames.add(entry.key.toLowerCase());
    Object.values(record).forEach(visit);
  };
  visit(ast);
  return refs
    .filter((r) => r.schema !== undefined || !cteNames.has(r.table.toLowerCase()))
    .sort((a, b) => a.start - b.start);
}

/**
 * Where the reference starting at `start` ends: the (possibly qualified, possibly
 * quoted) name and an `AT (VERSION => v)` / `AT (TIMESTAMP => t)` clause, which becomes
 * the delta_scan option `version => v` / `timestamp => t`.
 */
function referenceSpan(tokens: readonly Token[], start: number): { end: number; atOption?: string; aliased?: boolean } {
  const meaningful = significant(tokens);
  let i = meaningful.findIndex((t) => t.start === start);
  let end = meaningful[i]!.end;
  while (meaningful[i + 1]?.text === '.' && meaningful[i + 2] && ['word', 'quoted'].includes(meaningful[i + 2]!.kind)) {
    i += 2;
    end = meaningful[i]!.end;
  }
  // DuckDB takes the alias before the AT clause too (`sales s AT (VERSION => 1)`).
  const nameEnd = end;
  let aliased = false;
  const aliasLength = meaningful[i + 1]?.text.toUpperCase() === 'AS' ? 2 : 1;
  if (
    isAt(meaningful, i + 1 + aliasLength) &&
    ['word', 'quoted'].includes(meaningful[i + aliasLength]?.kind ?? '') &&
    !isAt(meaningful, i + 1)
  ) {
    i += aliasLength;
    aliased = true;
  }
  if (!isAt(meaningful, i + 1)) return { end: nameEnd };
  const unit = meaningful[i + 3]?.text.toLowerCase();
  const valueStart = i + 5; // AT ( unit => value ... )
  let depth = 1;
  let j = i + 3;
  while (j < meaningful.length && depth > 0) {
    j++;
    if (meaningful[j]?.text === '(') depth++;
    if (meaningful[j]?.text === ')') depth--;
  }
  const close = meaningful[j]!;
  const valueText = tokensText(tokens, meaningful[valueStart]!.start, close.start).trim();
  return { end: close.end, atOption: `${unit} => ${valueText}`, aliased };
}

function isAt(tokens: readonly Token[], i: number): boolean {
  return tokens[i]?.kind === 'word' && tokens[i]!.text.toUpperCase() === 'AT' && tokens[i + 1]?.text === '(';
}

function tokensText(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .filter((t) => t.start >= from && t.end <= to)
    .map((t) => t.text)
    .join('');
}
