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
import { quoteIdent, quoteLiteral } from '../../lake/index.js';
import { parseSql, type ParsedSql } from './parsed-sql.js';
import type { AstNode } from './sql-ast.js';
import { significant, type Token } from './sql-tokenizer.js';

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
  readonly node: AstNode;
  readonly start: number;
  readonly schema: string | undefined;
  readonly table: string;
  readonly alias: string;
  readonly at: { readonly unit: string } | null;
}

/** A query with its named tables rewritten to delta_scan calls. */
export interface RewrittenSql {
  readonly sql: string;
  /**
   * The rewritten query's tree, derived from the original's (each table reference
   * replaced by its delta_scan call at the call's byte offset), so data skipping reads
   * it without parsing again; undefined when it could not be derived (a restricted
   * table's subquery, or a text DuckDB cannot parse).
   */
  readonly statements: readonly AstNode[] | undefined;
}

export async function rewriteNamedTables(
  connection: DuckDBConnection,
  sql: string,
  resolver: TableResolver,
): Promise<string> {
  return (await rewriteParsedTables(await parseSql(connection, sql), resolver)).sql;
}

/** rewriteNamedTables on a text already parsed (no DuckDB work: only the resolver is asked). */
export async function rewriteParsedTables(parsed: ParsedSql, resolver: TableResolver): Promise<RewrittenSql> {
  const { sql } = parsed;
  const refs = baseTableRefs(parsed);
  if (refs.length === 0) return { sql, statements: parsed.statements };
  const resolved = await Promise.all(refs.map((r) => resolver.resolveTable(r.schema, r.table)));
  const meaningful = significant(parsed.tokens);
  const replaced = new Map<AstNode, AstNode>();
  let derivable = true;
  let out = '';
  let at = 0;
  refs.forEach((ref, i) => {
    const target = resolved[i];
    if (target === undefined) return;
    const span = referenceSpan(parsed.tokens, meaningful, ref.start);
    const option = span.atOption ? `, ${span.atOption}` : '';
    // The span swallows an alias written before AT: it is put back after the scan.
    const alias = ref.alias === '' || span.aliased ? ` AS ${quoteIdent(ref.alias || ref.table)}` : '';
    const scan = `delta_scan(${quoteLiteral(locationOf(target)!)}${option})`;
    out += sql.slice(at, ref.start);
    if (typeof target === 'string') replaced.set(ref.node, scanNode(ref, Buffer.byteLength(out, 'utf8')));
    else derivable = false;
    out += `${typeof target === 'string' ? scan : restrictedScan(scan, target)}${alias}`;
    at = span.end;
  });
  out += sql.slice(at);
  const statements = derivable ? parsed.statements?.map((s) => replaceNodes(s, replaced)) : undefined;
  return { sql: out, statements };
}

/** The delta_scan call's node as DuckDB would parse it (what data skipping reads of it). */
function scanNode(ref: TableRef, byteOffset: number): AstNode {
  const { node } = ref;
  return {
    type: 'TABLE_FUNCTION',
    alias: ref.alias || ref.table,
    sample: node.sample ?? null,
    query_location: byteOffset,
    function: {
      class: 'FUNCTION',
      type: 'FUNCTION',
      alias: '',
      query_location: byteOffset,
      function_name: 'delta_scan',
      schema: '',
      children: [],
    },
    column_name_alias: node.column_name_alias ?? [],
  };
}

/** A copy of the tree with some nodes replaced (untouched subtrees are shared). */
function replaceNodes(node: AstNode, replaced: ReadonlyMap<AstNode, AstNode>): AstNode {
  if (replaced.size === 0) return node;
  const swap = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const items = value.map(swap);
      return items.some((item, i) => item !== value[i]) ? items : value;
    }
    if (typeof value !== 'object' || value === null) return value;
    const found = replaced.get(value as AstNode);
    if (found) return found;
    let copy: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(value)) {
      const next = swap(child);
      if (next !== child) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
    }
    return copy ?? value;
  };
  return swap(node) as AstNode;
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
function baseTableRefs(parsed: ParsedSql): TableRef[] {
  if (parsed.statements === undefined) return [];
  const refs: TableRef[] = [];
  const cteNames = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === 'BASE_TABLE' && record.catalog_name === '' && typeof record.query_location === 'number') {
      refs.push({
        node: record,
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
  visit(parsed.statements);
  return refs
    .filter((r) => r.schema !== undefined || !cteNames.has(r.table.toLowerCase()))
    .sort((a, b) => a.start - b.start);
}

/**
 * Where the reference starting at `start` ends: the (possibly qualified, possibly
 * quoted) name and an `AT (VERSION => v)` / `AT (TIMESTAMP => t)` clause, which becomes
 * the delta_scan option `version => v` / `timestamp => t`.
 */
function referenceSpan(
  tokens: readonly Token[],
  meaningful: readonly Token[],
  start: number,
): { end: number; atOption?: string; aliased?: boolean } {
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
