/**
 * The SDL of one table's types and root fields. Names come from table-models.ts;
 * descriptions carry the catalog names so clients can map them back.
 */
import type { ScalarName } from './scalar-types.js';
import { sumScalar } from './scalar-types.js';
import type { TableModel } from './table-models.js';

/** The comparison input of each scalar, shared by every table. */
export function comparisonSdl(): string {
  const ordered = (scalar: ScalarName, extra = '') => `input ${scalar}_comparison_exp {
  _eq: ${scalar} _neq: ${scalar} _gt: ${scalar} _gte: ${scalar} _lt: ${scalar} _lte: ${scalar}
  _in: [${scalar}!] _nin: [${scalar}!] _is_null: Boolean${extra}
}`;
  return [
    ordered('String', ' _like: String _ilike: String'),
    ordered('Int'),
    ordered('BigInt'),
    ordered('Float'),
    'input Boolean_comparison_exp { _eq: Boolean _neq: Boolean _in: [Boolean!] _nin: [Boolean!] _is_null: Boolean }',
    'input JSON_comparison_exp { _is_null: Boolean }',
    'enum order_by { asc asc_nulls_first asc_nulls_last desc desc_nulls_first desc_nulls_last }',
  ].join('\n');
}

function fields(lines: readonly string[]): string {
  return lines.map((l) => `  ${l}`).join('\n');
}

function optionalType(name: string, lines: readonly string[]): string {
  return lines.length === 0 ? '' : `type ${name} {\n${fields(lines)}\n}`;
}

export interface TableSdl {
  readonly types: string;
  readonly query: readonly string[];
  readonly mutation: readonly string[];
  readonly subscription: readonly string[];
}

export function tableSdl(model: TableModel, canWrite: boolean): TableSdl {
  const n = model.name;
  const cols = model.columns;
  const numeric = cols.filter((c) => c.type.numeric);
  const ordered = cols.filter((c) => c.type.ordered);
  const keyDirective = model.key === null ? '' : ` @key(fields: "${model.key.join(' ')}")`;
  const aggregateFields = [
    'count: BigInt!',
    ...(numeric.length > 0 ? [`sum: ${n}_sum_fields`, `avg: ${n}_avg_fields`] : []),
    ...(ordered.length > 0 ? [`min: ${n}_min_fields`, `max: ${n}_max_fields`] : []),
  ];
  const types = [
    `"""Table ${model.catalogName}"""\ntype ${n}${keyDirective} {\n${fields(cols.map((c) => `${c.field}: ${c.type.scalar}`))}\n}`,
    `input ${n}_bool_exp {\n${fields([`_and: [${n}_bool_exp!]`, `_or: [${n}_bool_exp!]`, `_not: ${n}_bool_exp`, ...cols.map((c) => `${c.field}: ${c.type.scalar}_comparison_exp`)])}\n}`,
    `input ${n}_order_by {\n${fields(cols.map((c) => `${c.field}: order_by`))}\n}`,
    `enum ${n}_select_column {\n${fields(cols.map((c) => c.field))}\n}`,
    `type ${n}_aggregate_fields {\n${fields(aggregateFields)}\n}`,
    optionalType(
      `${n}_sum_fields`,
      numeric.map((c) => `${c.field}: ${sumScalar(c.type)}`),
    ),
    optionalType(
      `${n}_avg_fields`,
      numeric.map((c) => `${c.field}: Float`),
    ),
    optionalType(
      `${n}_min_fields`,
      ordered.map((c) => `${c.field}: ${c.type.scalar}`),
    ),
    optionalType(
      `${n}_max_fields`,
      ordered.map((c) => `${c.field}: ${c.type.scalar}`),
    ),
    `type ${n}_group_key {\n${fields(cols.map((c) => `${c.field}: ${c.type.scalar}`))}\n}`,
    `type ${n}_group {\n  key: ${n}_group_key!\n  aggregate: ${n}_aggregate_fields!\n}`,
    `"""The whole-table aggregate, and per group when group_by is given."""\ntype ${n}_aggregate {\n  aggregate: ${n}_aggregate_fields!\n  groups: [${n}_group!]!\n}`,
    `type ${n}_change {\n${fields([...cols.map((c) => `${c.field}: ${c.type.scalar}`), '_change_type: String!', '_commit_version: BigInt'])}\n}`,
    `"""A commit to ${model.catalogName}; rows are its change data feed when the table has one."""\ntype ${n}_commit {\n  table: String!\n  version: BigInt!\n  operation: String\n  timestamp: String\n  rows: [${n}_change!]\n  """The commit changed more rows than an event carries."""\n  rows_truncated: Boolean!\n}`,
  ];
  if (canWrite) {
    types.push(
      `input ${n}_insert_input {\n${fields(cols.map((c) => `${c.field}: ${c.type.scalar}`))}\n}`,
      `input ${n}_set_input {\n${fields(cols.map((c) => `${c.field}: ${c.type.scalar}`))}\n}`,
      `type ${n}_mutation_response {\n  affected_rows: Int!\n  version: BigInt!\n}`,
    );
  }
  const readArgs = `where: ${n}_bool_exp, at_version: Int`;
  return {
    types: types.filter((t) => t !== '').join('\n'),
    query: [
      `${n}(${readArgs}, order_by: [${n}_order_by!], limit: Int, offset: Int): [${n}!]!`,
      `${n}_aggregate(${readArgs}, group_by: [${n}_select_column!], limit: Int, offset: Int): ${n}_aggregate!`,
    ],
    mutation: canWrite
      ? [
          `insert_${n}(objects: [${n}_insert_input!]!): ${n}_mutation_response!`,
          `update_${n}(where: ${n}_bool_exp!, _set: ${n}_set_input!): ${n}_mutation_response!`,
          `delete_${n}(where: ${n}_bool_exp!): ${n}_mutation_response!`,
        ]
      : [],
    subscription: [`${n}_changes: ${n}_commit!`],
  };
}
