/**
 * A grant as one transformer over a TableQuery: its row filter is ANDed to the where
 * (parenthesised, so the query's ORs cannot capture it) and the query may show only
 * its columns. A query naming another column is refused rather than silently
 * narrowed, the same as an unknown column: an ungranted column does not exist.
 */
import { UnknownColumnError } from '../errors.js';
import type { Operand, OrderItemNode, SelectItemNode, TableQuery, WhereNode } from './table-query-nodes.js';
import { column, parens } from './table-query-nodes.js';

/** What a principal may read of a table: null columns or rowFilter means unrestricted. */
export interface TableQueryGrant {
  readonly columns: readonly string[] | null;
  /** Trusted SQL from the server's grant configuration. */
  readonly rowFilter: string | null;
}

export function applyGrant(query: TableQuery, grant: TableQueryGrant): TableQuery {
  if (query.from.kind === 'subquery')
    return { ...query, from: { ...query.from, query: applyGrant(query.from.query, grant) } };
  const allowed = grant.columns === null ? null : new Set(grant.columns);
  if (allowed !== null) checkColumns(query, allowed);
  const select: readonly SelectItemNode[] | null =
    query.select ??
    (grant.columns === null ? null : grant.columns.map((name) => ({ expression: column(name), alias: null })));
  const filter: WhereNode | null = grant.rowFilter === null ? null : parens({ kind: 'raw', sql: grant.rowFilter });
  const where: WhereNode | null =
    filter === null
      ? query.where
      : query.where === null
        ? filter
        : { kind: 'and', items: [parens(query.where), filter] };
  return { ...query, select, where };
}

function checkColumns(query: TableQuery, allowed: ReadonlySet<string>): void {
  const names = [
    ...(query.select ?? []).flatMap((item: SelectItemNode) =>
      item.expression.kind === 'aggregate'
        ? item.expression.operand === null
          ? []
          : operandColumns(item.expression.operand)
        : operandColumns(item.expression),
    ),
    ...(query.where === null ? [] : whereColumns(query.where)),
    ...query.groupBy.flatMap(operandColumns),
    ...query.orderBy.flatMap((o: OrderItemNode) => operandColumns(o.expression)),
  ];
  const refused = names.find((name) => !allowed.has(name));
  if (refused !== undefined) throw new UnknownColumnError(refused);
}

function operandColumns(node: Operand): string[] {
  if (node.kind === 'column') return [node.name];
  return node.kind === 'cast' ? operandColumns(node.operand) : [];
}

function whereColumns(node: WhereNode): string[] {
  switch (node.kind) {
    case 'comparison':
      return [...operandColumns(node.left), ...operandColumns(node.right)];
    case 'in':
    case 'is_null':
    case 'is_boolean':
    case 'like':
      return operandColumns(node.operand);
    case 'and':
    case 'or':
      return node.items.flatMap(whereColumns);
    case 'not':
    case 'parens':
      return whereColumns(node.operand);
    case 'constant':
    case 'raw':
      return [];
  }
}
