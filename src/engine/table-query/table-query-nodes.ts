/**
 * A structured read of one table, as immutable nodes tagged by `kind` (kysely's
 * operation-node style). REST filters and GraphQL arguments parse into it; one
 * compiler (table-query-compiler.ts) turns it into SQL; a grant is a transformer over
 * it (table-query-grant.ts). Nodes say exactly what text they produce (e.g. `parens`
 * is explicit), so each API keeps the SQL it produced before: caching keys, ETags and
 * plans do not change.
 */

/** A constant: strings are quoted, numbers and booleans written as is; `type` wraps it in a CAST. */
export interface ValueNode {
  readonly kind: 'value';
  readonly value: string | number | boolean | null;
  /** DuckDB type to cast to (e.g. BIGINT, DECIMAL(10,2)); null writes the bare literal. */
  readonly type: string | null;
}

/** A column, by its exact name; `table` qualifies it (an alias such as `q`). */
export interface ColumnNode {
  readonly kind: 'column';
  readonly name: string;
  readonly table: string | null;
}

export interface CastNode {
  readonly kind: 'cast';
  readonly operand: Operand;
  readonly type: string;
}

export type AggregateFunction = 'sum' | 'avg' | 'min' | 'max' | 'count';

/** `fn(column)`, or `count(*)` when operand is null. */
export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly fn: AggregateFunction;
  readonly operand: Operand | null;
}

export type Operand = ValueNode | ColumnNode | CastNode;

export type ComparisonOperator = '=' | '<>' | '>' | '>=' | '<' | '<=';

export type WhereNode =
  | { readonly kind: 'comparison'; readonly left: Operand; readonly op: ComparisonOperator; readonly right: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly values: readonly ValueNode[]; readonly negated: boolean }
  | { readonly kind: 'is_null'; readonly operand: Operand; readonly negated: boolean }
  /** `x IS TRUE` / `x IS FALSE`. */
  | { readonly kind: 'is_boolean'; readonly operand: Operand; readonly value: boolean }
  | { readonly kind: 'like'; readonly operand: Operand; readonly pattern: ValueNode; readonly caseInsensitive: boolean }
  /** Items joined with AND/OR, without parentheses (wrap in `parens` where precedence needs it). */
  | { readonly kind: 'and' | 'or'; readonly items: readonly WhereNode[] }
  | { readonly kind: 'not'; readonly operand: WhereNode }
  | { readonly kind: 'parens'; readonly operand: WhereNode }
  | { readonly kind: 'constant'; readonly value: boolean }
  /** Trusted SQL text (a grant's row filter from the server's configuration), never user input. */
  | { readonly kind: 'raw'; readonly sql: string };

export interface SelectItemNode {
  readonly expression: Operand | AggregateNode;
  /** Output name when it differs from the expression's text (`AS "alias"`). */
  readonly alias: string | null;
}

export interface OrderItemNode {
  readonly expression: Operand;
  /** null: the database's default direction, written as no keyword. */
  readonly direction: 'asc' | 'desc' | null;
  /** null: no NULLS clause. */
  readonly nulls: 'first' | 'last' | null;
}

/**
 * The table read: a catalog table (`name` as the catalog formats it, which its grant is
 * keyed by; `sql` its reference text, a quoted name maybe `AT (VERSION => n)`) or a subquery.
 */
export type FromNode =
  | { readonly kind: 'table'; readonly name: string; readonly sql: string }
  | { readonly kind: 'subquery'; readonly query: TableQuery; readonly alias: string };

export interface TableQuery {
  readonly kind: 'select';
  readonly from: FromNode;
  /** null: `*`. */
  readonly select: readonly SelectItemNode[] | null;
  readonly where: WhereNode | null;
  readonly groupBy: readonly Operand[];
  readonly orderBy: readonly OrderItemNode[];
  readonly limit: number | null;
  /** 0 and null write no OFFSET. */
  readonly offset: number | null;
}

export const column = (name: string, table: string | null = null): ColumnNode => ({ kind: 'column', name, table });
export const value = (v: ValueNode['value'], type: string | null = null): ValueNode => ({
  kind: 'value',
  value: v,
  type,
});
export const tableFrom = (name: string, sql: string): FromNode => ({ kind: 'table', name, sql });
export const parens = (operand: WhereNode): WhereNode => ({ kind: 'parens', operand });
export const constant = (v: boolean): WhereNode => ({ kind: 'constant', value: v });

/** The items ANDed (no parentheses); null for none, the item itself for one. */
export function andAll(items: readonly (WhereNode | null)[]): WhereNode | null {
  const present = items.filter((i): i is WhereNode => i !== null);
  if (present.length === 0) return null;
  return present.length === 1 ? present[0]! : { kind: 'and', items: present };
}

export function tableQuery(from: FromNode, parts: Partial<Omit<TableQuery, 'kind' | 'from'>> = {}): TableQuery {
  return {
    kind: 'select',
    from,
    select: parts.select ?? null,
    where: parts.where ?? null,
    groupBy: parts.groupBy ?? [],
    orderBy: parts.orderBy ?? [],
    limit: parts.limit ?? null,
    offset: parts.offset ?? null,
  };
}

/** The catalog name of the one table a query reads (through any subqueries). */
export function tableOf(query: TableQuery): string {
  return query.from.kind === 'table' ? query.from.name : tableOf(query.from.query);
}
