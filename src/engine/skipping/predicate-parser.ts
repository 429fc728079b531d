/**
 * Turns a boolean expression from DuckDB's parse tree into a skipping Predicate over
 * one table's columns. Supported: comparisons of a column with a constant (either side),
 * IN lists, BETWEEN, IS [NOT] NULL, LIKE 'prefix%' and starts_with on strings, bare
 * boolean columns, AND/OR/NOT. Anything else — a column of another table, a function of
 * a column, a subquery — becomes `unknown`, which keeps every file.
 *
 * Compiling is two steps so that all the constants of a statement are evaluated in one
 * DuckDB query: `compileExpression` records what it needs, `finishPredicate` builds the
 * predicate once the values are known.
 */
import {
  evaluateConstants,
  isConstant,
  isStringLiteral,
  type ConstantRequest,
  type ConstantResults,
} from '../sql/constant-values.js';
import { child, children, columnNames, stringValue, type AstNode } from '../sql/sql-ast.js';
import { compareValues, domainOf, timeZoneKindOf, type Value } from './skip-values.js';
import type { ColumnRef } from './file-bounds.js';
import type { Limit, Predicate } from './stats-evaluator.js';
import type { DuckDBConnection } from '@duckdb/node-api';

/** Maps a column reference (`["e", "id"]`) to this table's column, or undefined when it is not one of its leaves. */
export type ColumnResolver = (names: readonly string[]) => ColumnRef | undefined;

type Operator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A predicate whose constants are not evaluated yet. */
export type DraftPredicate =
  | { readonly kind: 'and' | 'or'; readonly children: readonly DraftPredicate[] }
  | { readonly kind: 'not'; readonly child: DraftPredicate }
  | { readonly kind: 'compare'; readonly op: Operator; readonly column: ColumnRef; readonly value: ConstantRequest }
  | {
      readonly kind: 'between';
      readonly column: ColumnRef;
      readonly lower: ConstantRequest;
      readonly upper: ConstantRequest;
    }
  | { readonly kind: 'in'; readonly column: ColumnRef; readonly values: readonly ConstantRequest[] }
  | { readonly kind: 'null'; readonly column: ColumnRef; readonly negated: boolean }
  | { readonly kind: 'prefix'; readonly column: ColumnRef; readonly prefix: string }
  | { readonly kind: 'true'; readonly column: ColumnRef }
  | { readonly kind: 'unknown' };

const COMPARISONS: Readonly<Record<string, Operator>> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '<>',
  COMPARE_LESSTHAN: '<',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHAN: '>',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};

const FLIPPED: Readonly<Record<Operator, Operator>> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

const UNKNOWN: DraftPredicate = { kind: 'unknown' };

/** Compiles an expression; the constants it needs are appended to `requests`. */
export function compileExpression(node: AstNode, resolve: ColumnResolver, requests: ConstantRequest[]): DraftPredicate {
  const compile = (n: AstNode) => compileExpression(n, resolve, requests);
  const column = (n: AstNode | undefined): ColumnRef | undefined => {
    const names = n ? columnNames(n) : undefined;
    const ref = names ? resolve(names) : undefined;
    return ref && typeof ref.type === 'string' ? ref : undefined;
  };
  const constant = (n: AstNode | undefined, target: ColumnRef): ConstantRequest | undefined => {
    if (!n || !isConstant(n)) return undefined;
    // DuckDB casts a bare string literal to the type of the column it meets.
    const request = isStringLiteral(n) && target.type !== 'string' ? { node: n, castTo: target.type } : { node: n };
    requests.push(request);
    return request;
  };

  switch (node.type) {
    case 'CONJUNCTION_AND':
    case 'CONJUNCTION_OR':
      return { kind: node.type === 'CONJUNCTION_AND' ? 'and' : 'or', children: children(node).map(compile) };
    case 'OPERATOR_NOT': {
      const [inner] = children(node);
      return inner ? { kind: 'not', child: compile(inner) } : UNKNOWN;
    }
    case 'OPERATOR_IS_NULL':
    case 'OPERATOR_IS_NOT_NULL': {
      const ref = column(children(node)[0]);
      return ref ? { kind: 'null', column: ref, negated: node.type === 'OPERATOR_IS_NOT_NULL' } : UNKNOWN;
    }
    case 'COMPARE_IN':
    case 'COMPARE_NOT_IN': {
      const [first, ...list] = children(node);
      const ref = column(first);
      if (!ref || list.length === 0 || !list.every(isConstant)) return UNKNOWN;
      // A list mixing bare strings with typed values is cast to a common type we do not model.
      if (ref.type !== 'string' && list.some(isStringLiteral) && !list.every(isStringLiteral)) return UNKNOWN;
      const inList: DraftPredicate = { kind: 'in', column: ref, values: list.map((n) => constant(n, ref)!) };
      return node.type === 'COMPARE_IN' ? inList : { kind: 'not', child: inList };
    }
    case 'COMPARE_BETWEEN': {
      const ref = column(child(node, 'input'));
      const bounds = [child(node, 'lower'), child(node, 'upper')];
      if (!ref || !bounds.every((b) => b && isConstant(b))) return UNKNOWN;
      if (ref.type !== 'string' && bounds.some((b) => isStringLiteral(b!)) && !bounds.every((b) => isStringLiteral(b!)))
        return UNKNOWN;
      return { kind: 'between', column: ref, lower: constant(bounds[0], ref)!, upper: constant(bounds[1], ref)! };
    }
    case 'COLUMN_REF': {
      const ref = column(node);
      return ref?.type === 'boolean' ? { kind: 'true', column: ref } : UNKNOWN;
    }
    case 'FUNCTION':
      return compileFunction(node, column);
    default: {
      const op = node.type ? COMPARISONS[node.type] : undefined;
      if (!op) return UNKNOWN;
      const [left, right] = [child(node, 'left'), child(node, 'right')];
      const leftRef = column(left);
      const rightRef = leftRef ? undefined : column(right);
      if (leftRef) {
        const value = constant(right, leftRef);
        return value ? { kind: 'compare', op, column: leftRef, value } : UNKNOWN;
      }
      if (rightRef) {
        const value = constant(left, rightRef);
        return value ? { kind: 'compare', op: FLIPPED[op], column: rightRef, value } : UNKNOWN;
      }
      return UNKNOWN;
    }
  }
}

/** LIKE / NOT LIKE with a literal pattern, starts_with and prefix on string columns. */
function compileFunction(node: AstNode, column: (n: AstNode | undefined) => ColumnRef | undefined): DraftPredicate {
  const name = stringValue(node, 'function_name').toLowerCase();
  if (stringValue(node, 'schema') !== '' || !['~~', '!~~', 'starts_with', 'prefix'].includes(name)) return UNKNOWN;
  const [first, second, ...rest] = children(node);
  const ref = column(first);
  const pattern =
    second?.class === 'CONSTANT' && isStringLiteral(second) ? (second.value as { value?: unknown }).value : undefined;
  if (!ref || ref.type !== 'string' || typeof pattern !== 'string' || rest.length > 0) return UNKNOWN;
  if (name === 'starts_with' || name === 'prefix')
    return pattern === '' ? UNKNOWN : { kind: 'prefix', column: ref, prefix: pattern };
  const wildcard = pattern.search(/[%_]/);
  if (wildcard === 0) return UNKNOWN;
  const like: DraftPredicate =
    wildcard === -1 ? exactString(ref, pattern) : { kind: 'prefix', column: ref, prefix: pattern.slice(0, wildcard) };
  return name === '!~~' ? { kind: 'not', child: like } : like;
}

/** `column = 'text'` for a LIKE pattern without wildcards. */
function exactString(ref: ColumnRef, text: string): DraftPredicate {
  const node: AstNode = {
    class: 'CONSTANT',
    type: 'VALUE_CONSTANT',
    value: { type: { id: 'VARCHAR' }, is_null: false, value: text },
  };
  return { kind: 'compare', op: '=', column: ref, value: { node } };
}

/** Builds the predicate from a draft and its evaluated constants. */
export function finishPredicate(draft: DraftPredicate, results: ConstantResults): Predicate {
  const value = (column: ColumnRef, request: ConstantRequest): Value | null | undefined => {
    const v = results.values.has(request)
      ? results.values.get(request)
      : request.castTo === undefined
        ? literalOf(request)
        : undefined;
    if (v === null || v === undefined) return v;
    if (domainOf(column.type) !== v.kind || (v.kind === 'num' && Number.isNaN(v.value))) return undefined;
    if (v.kind === 'time') {
      // Instants against dates or wall-clock times: DuckDB converts in the session time zone.
      const zone = timeZoneKindOf(column.type);
      if (zone !== v.zone && (zone === 'tz' || v.zone === 'tz') && !results.utcSession) return undefined;
    }
    return v;
  };
  switch (draft.kind) {
    case 'and':
      return mergeRanges(draft.children.map((c) => finishPredicate(c, results)));
    case 'or':
      return { kind: 'or', children: draft.children.map((c) => finishPredicate(c, results)) };
    case 'not':
      return { kind: 'not', child: finishPredicate(draft.child, results) };
    case 'null':
      return draft;
    case 'prefix':
      return draft;
    case 'unknown':
      return draft;
    case 'true':
      return { kind: 'range', column: draft.column, lower: { value: { kind: 'bool', value: true }, inclusive: true } };
    case 'compare': {
      const v = value(draft.column, draft.value);
      if (v === undefined) return { kind: 'unknown' };
      if (v === null) return { kind: 'constant', value: null };
      return comparison(draft.op, draft.column, v);
    }
    case 'between': {
      const [lower, upper] = [value(draft.column, draft.lower), value(draft.column, draft.upper)];
      const parts: Predicate[] = [];
      for (const [v, op] of [
        [lower, '>='],
        [upper, '<='],
      ] as const) {
        if (v === undefined) parts.push({ kind: 'unknown' });
        else if (v === null) parts.push({ kind: 'constant', value: null });
        else parts.push(comparison(op, draft.column, v));
      }
      return mergeRanges(parts);
    }
    case 'in': {
      const values = draft.values.map((r) => value(draft.column, r));
      if (values.some((v) => v === undefined)) return { kind: 'unknown' };
      const present = values
        .filter((v): v is Value => v !== null && v !== undefined)
        .sort((a, b) => compareValues(a, b) ?? 0);
      return { kind: 'in', column: draft.column, values: present, hasNull: present.length < values.length };
    }
  }
}

function literalOf(request: ConstantRequest): Value | undefined {
  const value = (request.node.value as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? { kind: 'str', value } : undefined;
}

function comparison(op: Operator, column: ColumnRef, value: Value): Predicate {
  const at = (inclusive: boolean): Limit => ({ value, inclusive });
  switch (op) {
    case '=':
      return { kind: 'range', column, lower: at(true), upper: at(true) };
    case '<>':
      return { kind: 'ne', column, value };
    case '<':
      return { kind: 'range', column, upper: at(false) };
    case '<=':
      return { kind: 'range', column, upper: at(true) };
    case '>':
      return { kind: 'range', column, lower: at(false) };
    case '>=':
      return { kind: 'range', column, lower: at(true) };
  }
}

/**
 * AND of parts, with the ranges on one column intersected: `x >= a AND x < b` is one
 * range, which a float column's possible NaN (matching `x >= a` alone) cannot satisfy.
 */
function mergeRanges(parts: readonly Predicate[]): Predicate {
  const merged: Predicate[] = [];
  const ranges = new Map<string, number>();
  for (const part of parts.flatMap((p) => (p.kind === 'and' ? p.children : [p]))) {
    if (part.kind !== 'range') {
      merged.push(part);
      continue;
    }
    const key = JSON.stringify([part.column.path, part.column.partitionKeys ?? null]);
    const at = ranges.get(key);
    const previous = at === undefined ? undefined : merged[at];
    if (previous?.kind !== 'range') {
      ranges.set(key, merged.length);
      merged.push(part);
      continue;
    }
    const lower = tighter(previous.lower, part.lower, 1);
    const upper = tighter(previous.upper, part.upper, -1);
    merged[at!] = { kind: 'range', column: previous.column, ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) };
  }
  return merged.length === 1 ? merged[0]! : { kind: 'and', children: merged };
}

/** The more restrictive of two limits (direction 1: the larger lower limit; -1: the smaller upper one). */
function tighter(a: Limit | undefined, b: Limit | undefined, direction: 1 | -1): Limit | undefined {
  if (!a || !b) return a ?? b;
  const order = compareValues(a.value, b.value);
  if (order === undefined) return a;
  if (order === 0) return a.inclusive ? b : a;
  return order * direction > 0 ? a : b;
}

/** Compiles and finishes one expression (evaluating its constants on `connection`). */
export async function compilePredicate(
  connection: DuckDBConnection,
  node: AstNode,
  resolve: ColumnResolver,
): Promise<Predicate> {
  const requests: ConstantRequest[] = [];
  const draft = compileExpression(node, resolve, requests);
  return finishPredicate(draft, await evaluateConstants(connection, requests));
}
