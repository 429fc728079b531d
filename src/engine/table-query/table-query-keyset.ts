/**
 * Keyset pagination as a where node: the rows strictly after a cursor (the last row's
 * values of the order terms) in the order, NULLs placed as the order says. Unlike
 * offsets, pages stay stable when rows are added before the position, and deep pages
 * cost no more than the first.
 */
import type { Operand, ValueNode, WhereNode } from './table-query-nodes.js';
import { constant, parens, value } from './table-query-nodes.js';

export type CursorValue = string | number | boolean | null;

/** One order term: its expression, and when known the type to cast cursor values to. */
export interface KeysetTerm {
  readonly expression: Operand;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
  /** null or VARCHAR: values are written bare. */
  readonly type: string | null;
}

/** OR over i of (terms before i equal AND term i after). */
export function keysetAfter(terms: readonly KeysetTerm[], values: readonly CursorValue[]): WhereNode {
  const alternatives = terms.map((t, i): WhereNode => {
    const equal = terms.slice(0, i).map((e, j) => equalTo(e, values[j]!));
    const items = [...equal, after(t, values[i]!)];
    return parens(items.length === 1 ? items[0]! : { kind: 'and', items });
  });
  return parens(alternatives.length === 1 ? alternatives[0]! : { kind: 'or', items: alternatives });
}

function after(t: KeysetTerm, v: CursorValue): WhereNode {
  if (v === null)
    return t.nulls === 'last' ? constant(false) : { kind: 'is_null', operand: t.expression, negated: true };
  const compare: WhereNode = {
    kind: 'comparison',
    left: t.expression,
    op: t.direction === 'asc' ? '>' : '<',
    right: literal(t, v),
  };
  return t.nulls === 'last'
    ? parens({ kind: 'or', items: [compare, { kind: 'is_null', operand: t.expression, negated: false }] })
    : compare;
}

function equalTo(t: KeysetTerm, v: CursorValue): WhereNode {
  return v === null
    ? { kind: 'is_null', operand: t.expression, negated: false }
    : { kind: 'comparison', left: t.expression, op: '=', right: literal(t, v) };
}

function literal(t: KeysetTerm, v: Exclude<CursorValue, null>): ValueNode {
  return value(v, t.type === null || t.type === 'VARCHAR' ? null : t.type);
}
