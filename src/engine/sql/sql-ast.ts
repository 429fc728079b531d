/**
 * DuckDB's own parse of a SQL text, as the JSON `json_serialize_sql` returns, and the
 * few shapes of it data skipping reads. Parsing with DuckDB means every spelling DuckDB
 * accepts is understood the same way DuckDB will run it; the walkers below treat any
 * node they do not know as opaque, so a new DuckDB node type can only cost pruning,
 * never correctness.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** A node of DuckDB's serialized parse tree (expressions, table refs, query nodes). */
export interface AstNode {
  readonly [key: string]: unknown;
  readonly class?: string;
  readonly type?: string;
}

/** DuckDB's `query_location` for nodes without one. */
const NO_LOCATION = 18446744073709552000;
const NO_LOCATION_TOKEN = '@@strata:no-location@@';

/** The WHERE expression of `SELECT * FROM t WHERE <expression>`; throws DuckDB's message when it does not parse. */
export async function parseExpression(connection: DuckDBConnection, expression: string): Promise<AstNode> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [
    `SELECT * FROM __t WHERE ${expression}`,
  ]);
  const parsed = JSON.parse(String(reader.getRows()[0]?.[0] ?? '{}')) as {
    error?: boolean;
    error_message?: string;
    statements?: Array<{ node?: AstNode }>;
  };
  const node = parsed.statements?.length === 1 ? parsed.statements[0]!.node : undefined;
  const where = node?.where_clause;
  if (parsed.error || !isNode(where)) throw new Error(parsed.error_message ?? 'not a single boolean expression');
  return where;
}

/**
 * Runs a SELECT node built from parsed pieces (see `selectTemplate`) on `connection`
 * (its temp views and settings apply) and returns the result reader. DuckDB turns the
 * tree back into SQL text, which parses to the same tree.
 */
export async function runNode(connection: DuckDBConnection, node: AstNode) {
  // JavaScript reads DuckDB's "no location" (2^64 - 1) as a larger number DuckDB then refuses.
  const statement = JSON.stringify(
    { error: false, statements: [{ node, named_param_map: [] }] },
    (key, value: unknown) =>
      key === 'query_location' && typeof value === 'number' && value > Number.MAX_SAFE_INTEGER
        ? NO_LOCATION_TOKEN
        : value,
  )
    .split(`"${NO_LOCATION_TOKEN}"`)
    .join('18446744073709551615');
  const text = await connection.runAndReadAll('SELECT json_deserialize_sql($1::VARCHAR)', [statement]);
  return connection.runAndReadAll(String(text.getRows()[0]?.[0] ?? ''));
}

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function children(node: AstNode, key = 'children'): AstNode[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

export function child(node: AstNode, key: string): AstNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

/** The top-level AND-ed parts of an expression (none for a missing one). */
export function conjuncts(expression: AstNode | undefined): AstNode[] {
  if (!expression) return [];
  if (expression.type === 'CONJUNCTION_AND') return children(expression).flatMap((c) => conjuncts(c));
  return [expression];
}

/** The names of a COLUMN_REF (`["e", "s", "x"]` for `e.s.x`), or undefined for any other node. */
export function columnNames(node: AstNode): string[] | undefined {
  if (node.class !== 'COLUMN_REF') return undefined;
  const names = node.column_names;
  return Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
}

/** Every node of a tree, depth first (the node itself included). */
export function* descendants(node: AstNode): Generator<AstNode> {
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield* descendants(item);
    } else if (isNode(value)) {
      yield* descendants(value);
    }
  }
}

/** The byte offset DuckDB reports for a node, if it has one. */
export function locationOf(node: AstNode): number | undefined {
  const location = node.query_location;
  return typeof location === 'number' && location < NO_LOCATION ? location : undefined;
}

export function stringValue(node: AstNode, key: string): string {
  const value = node[key];
  return typeof value === 'string' ? value : '';
}

/** AND of expressions as one node (undefined for none). */
export function andOf(expressions: readonly AstNode[]): AstNode | undefined {
  if (expressions.length <= 1) return expressions[0];
  return {
    class: 'CONJUNCTION',
    type: 'CONJUNCTION_AND',
    alias: '',
    query_location: NO_LOCATION,
    children: expressions,
  };
}
