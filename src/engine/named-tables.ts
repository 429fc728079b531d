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

/** Resolves table names to Delta locations; implemented by the catalog. */
export interface TableResolver {
  /** The Delta location of `schema.table` (schema undefined: the default), or undefined when it is not a lake table. */
  resolveTable(schema: string | undefined, table: string): Promise<string | undefined>;
}

interface TableRef {
  readonly start: number;
  readonly schema: string | undefined;
  readonly table: string;
  readonly alias: string;
  readonly at: { readonly unit: string } | null;
}

export async function rewriteNamedTables(connection: DuckDBConnection, sql: string, resolver: TableResolver): Promise<string> {
  const refs = await baseTableRefs(connection, sql);
  if (refs.length === 0) return sql;
  const locations = await Promise.all(refs.map((r) => resolver.resolveTable(r.schema, r.table)));
  const tokens = tokenize(sql);
  let out = '';
  let at = 0;
  refs.forEach((ref, i) => {
    const location = locations[i];
    if (location === undefined) return;
    const span = referenceSpan(tokens, ref.start);
    const option = span.atOption ? `, ${span.atOption}` : '';
    const alias = ref.alias === '' ? ` AS ${quoteIdent(ref.table)}` : '';
    out += `${sql.slice(at, ref.start)}delta_scan(${quoteLiteral(location)}${option})${alias}`;
    at = span.end;
  });
  return out + sql.slice(at);
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
function referenceSpan(tokens: readonly Token[], start: number): { end: number; atOption?: string } {
  const meaningful = significant(tokens);
  let i = meaningful.findIndex((t) => t.start === start);
  let end = meaningful[i]!.end;
  while (meaningful[i + 1]?.text === '.' && meaningful[i + 2] && ['word', 'quoted'].includes(meaningful[i + 2]!.kind)) {
    i += 2;
    end = meaningful[i]!.end;
  }
  const atWord = meaningful[i + 1];
  if (atWord?.kind !== 'word' || atWord.text.toUpperCase() !== 'AT' || meaningful[i + 2]?.text !== '(') return { end };
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
  return { end: close.end, atOption: `${unit} => ${valueText}` };
}

function tokensText(tokens: readonly Token[], from: number, to: number): string {
  return tokens.filter((t) => t.start >= from && t.end <= to).map((t) => t.text).join('');
}
