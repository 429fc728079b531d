/**
 * The SQL of a MERGE: one join of the target scan (alias `target`) with the source
 * (alias `source`) on the ON condition, that picks for every row pair the first clause
 * (in the order given) whose kind fits — matched, not matched (source row without
 * target), not matched by source (target row without source) — and whose condition
 * holds, and computes the row the clause writes. Pairs no clause applies to are
 * dropped, so the result holds only what changes. The join is as narrow as the
 * clauses allow: inner for matched clauses only, outer on the side that needs it.
 */
import { InvalidTableOperationError } from '../errors.js';
import { FILE_COLUMN, ROW_COLUMN } from './dml-context.js';
import { duckdbType, findField, quoteIdent, type StructField, type StructType } from '../log/schema.js';
import { resolveAssignments } from './update-rows.js';

export type MergeAction =
  | { readonly kind: 'update'; readonly set: Readonly<Record<string, string>> | '*' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'insert'; readonly values: Readonly<Record<string, string>> | '*' };

export interface MergeClause {
  readonly when: 'matched' | 'notMatched' | 'notMatchedBySource';
  /** SQL over `target` and/or `source` (as the clause kind allows); absent = always. */
  readonly condition?: string;
  readonly action: MergeAction;
}

export interface MergeSpec {
  /** The join condition between `target` and `source`. */
  readonly on: string;
  readonly clauses: readonly MergeClause[];
}

export const CLAUSE_COLUMN = '__strata_clause';
const SOURCE_MARKER = '__strata_source';

/** The preimage of column `i` in the join result (kept for the change data feed). */
export const preimageColumn = (i: number) => `__strata_pre_${i}`;

export interface MergePlan {
  /** The SELECT producing FILE_COLUMN, ROW_COLUMN, CLAUSE_COLUMN, the written columns and (optionally) preimages. */
  readonly sql: string;
  /** Clause indexes by kind of action and by `when`. */
  clauses(filter: { when?: MergeClause['when']; kind?: MergeAction['kind'] }): number[];
}

export function planMerge(
  schema: StructType,
  spec: MergeSpec,
  targetView: string,
  source: { sql: string; columns: readonly string[] },
  withPreimages: boolean,
  location: string,
): MergePlan {
  validate(spec, location);
  const indexes = (when: MergeClause['when']) => spec.clauses.flatMap((c, i) => (c.when === when ? [i] : []));
  const pick = (ids: number[]) =>
    ids.length === 0
      ? 'NULL'
      : `CASE ${ids.map((i) => `WHEN (${spec.clauses[i]!.condition ?? 'true'}) THEN ${i}`).join(' ')} END`;
  const matched = indexes('matched');
  const notMatched = indexes('notMatched');
  const bySource = indexes('notMatchedBySource');
  const clause =
    `CASE WHEN target.${FILE_COLUMN} IS NOT NULL AND source.${SOURCE_MARKER} IS NOT NULL THEN ${pick(matched)}` +
    ` WHEN source.${SOURCE_MARKER} IS NOT NULL THEN ${pick(notMatched)} ELSE ${pick(bySource)} END AS ${CLAUSE_COLUMN}`;
  const assignments = spec.clauses.map((c) => {
    if (c.action.kind === 'delete') return undefined;
    const given = c.action.kind === 'update' ? c.action.set : c.action.values;
    return given === '*' ? given : resolveAssignments(schema, given, location);
  });
  const written = schema.fields.map((field) => writtenColumn(field, spec, assignments, source.columns, location));
  const preimages = withPreimages
    ? schema.fields.map((f, i) => `target.${quoteIdent(f.name)} AS ${preimageColumn(i)}`)
    : [];
  const join =
    notMatched.length > 0 && bySource.length > 0
      ? 'FULL OUTER JOIN'
      : notMatched.length > 0
        ? 'RIGHT JOIN'
        : bySource.length > 0
          ? 'LEFT JOIN'
          : 'JOIN';
  const sql =
    `SELECT target.${FILE_COLUMN} AS ${FILE_COLUMN}, target.${ROW_COLUMN} AS ${ROW_COLUMN}, ${clause}, ${[...written, ...preimages].join(', ')}` +
    ` FROM ${quoteIdent(targetView)} AS target ${join} (SELECT *, true AS ${SOURCE_MARKER} FROM (${source.sql})) AS source ON (${spec.on})` +
    ` WHERE ${CLAUSE_COLUMN} IS NOT NULL`;
  return {
    sql,
    clauses: ({ when, kind }) =>
      spec.clauses.flatMap((c, i) =>
        (when === undefined || c.when === when) && (kind === undefined || c.action.kind === kind) ? [i] : [],
      ),
  };
}

/** The value a column gets from each clause that writes a row (NULL for the others). */
function writtenColumn(
  field: StructField,
  spec: MergeSpec,
  assignments: ReadonlyArray<ReadonlyMap<string, string> | '*' | undefined>,
  sourceColumns: readonly string[],
  location: string,
): string {
  const cases: string[] = [];
  spec.clauses.forEach((clause, i) => {
    const given = assignments[i];
    if (given === undefined) return; // DELETE writes no row
    let expression =
      given === '*' ? `source.${quoteIdent(sourceColumn(field, sourceColumns, location))}` : given.get(field.name);
    // An update keeps the columns it does not set; an insert leaves them NULL.
    if (expression === undefined)
      expression = clause.action.kind === 'update' ? `target.${quoteIdent(field.name)}` : 'NULL';
    cases.push(`WHEN ${i} THEN CAST((${expression}) AS ${duckdbType(field.type)})`);
  });
  const value =
    cases.length === 0 ? `CAST(NULL AS ${duckdbType(field.type)})` : `CASE ${CLAUSE_COLUMN} ${cases.join(' ')} END`;
  return `${value} AS ${quoteIdent(field.name)}`;
}

function sourceColumn(field: StructField, sourceColumns: readonly string[], location: string): string {
  const found = findField(
    { type: 'struct', fields: sourceColumns.map((name) => ({ name, type: 'string', nullable: true, metadata: {} })) },
    field.name,
  );
  if (!found) {
    throw new InvalidTableOperationError(
      `MERGE into ${location}: "*" needs a source column for every target column, and the source has no "${field.name}" (it has ${sourceColumns.join(', ')}).`,
      { column: field.name, location },
    );
  }
  return found.name;
}

function validate(spec: MergeSpec, location: string): void {
  if (spec.clauses.length === 0)
    throw new InvalidTableOperationError(`MERGE into ${location} needs at least one WHEN clause.`, { location });
  spec.clauses.forEach((clause, i) => {
    const allowed = clause.when === 'notMatched' ? ['insert'] : ['update', 'delete'];
    if (!allowed.includes(clause.action.kind)) {
      throw new InvalidTableOperationError(
        `MERGE into ${location}: clause ${i + 1} (WHEN ${describeWhen(clause.when)}) cannot ${clause.action.kind.toUpperCase()}; it may only ${allowed.map((a) => a.toUpperCase()).join(' or ')}.`,
        { location, clause: i + 1 },
      );
    }
    // As in Delta: a clause without a condition would make later clauses of its kind
    // unreachable, which is a mistake rather than an intent (engines also disagree on it).
    const later = spec.clauses.slice(i + 1).some((c) => c.when === clause.when);
    if (clause.condition === undefined && later) {
      throw new InvalidTableOperationError(
        `MERGE into ${location}: clause ${i + 1} (WHEN ${describeWhen(clause.when)}) has no condition but is not the last WHEN ${describeWhen(clause.when)} clause; only the last one may omit its condition.`,
        { location, clause: i + 1 },
      );
    }
    if (clause.when === 'notMatchedBySource' && clause.action.kind === 'update' && clause.action.set === '*') {
      throw new InvalidTableOperationError(
        `MERGE into ${location}: clause ${i + 1} (WHEN NOT MATCHED BY SOURCE) has no source row to UPDATE SET * from; name the columns.`,
        { location, clause: i + 1 },
      );
    }
  });
}

export function describeWhen(when: MergeClause['when']): string {
  return when === 'matched' ? 'MATCHED' : when === 'notMatched' ? 'NOT MATCHED' : 'NOT MATCHED BY SOURCE';
}
