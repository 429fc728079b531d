/**
 * Constraints every written row must satisfy (PROTOCOL.md, "Column Invariants" and
 * "Check Constraints"): NOT NULL from `nullable: false` (top-level and inside structs),
 * column invariants (`delta.invariants`) and CHECK constraints stored as table
 * properties `delta.constraints.<name>` = SQL expression.
 *
 * Enforcement costs no extra pass: the rows being written are filtered through a
 * guard that raises a DuckDB error for the first violating row, inside the same COPY
 * that writes the files. The COPY then fails before any file is moved into the table,
 * so nothing is committed, and the error is turned into a ConstraintViolationError
 * naming the constraint, its expression and the row. As in Delta, a CHECK expression
 * that is NULL for a row fails it.
 */
import { asError } from '../../core/index.js';
import type { Metadata } from '../log/actions.js';
import { ConstraintViolationError } from '../operations/dml-errors.js';
import { isStruct, quoteIdent, quoteLiteral, type StructField, type StructType } from '../log/schema.js';

export const CONSTRAINT_PREFIX = 'delta.constraints.';

export interface ConstraintRule {
  /** `NOT NULL <column path>`, `INVARIANT <column>`, or the CHECK constraint's name. */
  readonly name: string;
  /** The SQL expression each row must satisfy, as shown to users. */
  readonly expression: string;
  /** SQL that is true exactly for a violating row. */
  readonly violation: string;
}

/** The CHECK constraints of a table: name → expression. */
export function checkConstraints(metadata: Metadata): Array<{ name: string; expression: string }> {
  return Object.entries(metadata.configuration)
    .filter(([key]) => key.toLowerCase().startsWith(CONSTRAINT_PREFIX))
    .map(([key, expression]) => ({ name: key.slice(CONSTRAINT_PREFIX.length), expression }));
}

/** Every rule a row written to the table must pass, cheapest first. */
export function tableConstraints(schema: StructType, metadata: Metadata): ConstraintRule[] {
  const rules: ConstraintRule[] = [];
  const visit = (field: StructField, parents: readonly string[]) => {
    const path = [...parents, field.name];
    const access = accessPath(path);
    if (!field.nullable) {
      // A NOT NULL field inside a struct only binds when the struct itself is present.
      const present = parents.map((_, i) => `${accessPath(path.slice(0, i + 1))} IS NOT NULL`);
      rules.push({
        name: `NOT NULL ${path.join('.')}`,
        expression: `${path.join('.')} IS NOT NULL`,
        violation: [...present, `${access} IS NULL`].join(' AND '),
      });
    }
    if (isStruct(field.type)) for (const child of field.type.fields) visit(child, path);
  };
  for (const field of schema.fields) visit(field, []);
  for (const field of schema.fields) {
    const invariant = invariantExpression(field);
    if (invariant)
      rules.push({
        name: `INVARIANT ${field.name}`,
        expression: invariant,
        violation: `NOT coalesce((${invariant}), false)`,
      });
  }
  for (const { name, expression } of checkConstraints(metadata)) {
    rules.push({ name, expression, violation: `NOT coalesce((${expression}), false)` });
  }
  return rules;
}

const MARKER = '__strata_constraint_';
const ROW_ALIAS = '__strata_row';

/**
 * `relation` (a SELECT of the table's logical columns) with a guard that fails the
 * query at the first row breaking a rule; unchanged when there are no rules.
 */
export function checkedRelation(relation: string, rules: readonly ConstraintRule[]): string {
  if (rules.length === 0) return relation;
  const cases = rules.map(
    (rule, i) => `WHEN ${rule.violation} THEN error(${quoteLiteral(`${MARKER}${i}__`)} || to_json(${ROW_ALIAS}))`,
  );
  return `SELECT * FROM (${relation}) AS ${ROW_ALIAS} WHERE CASE ${cases.join(' ')} ELSE true END`;
}

/** The ConstraintViolationError a guard's failure stands for, or undefined for other errors. */
export function constraintViolation(
  error: unknown,
  rules: readonly ConstraintRule[],
  location: string,
  operation: string,
): ConstraintViolationError | undefined {
  const match = new RegExp(`${MARKER}(\\d+)__(.*)$`, 's').exec(asError(error).message);
  const rule = match ? rules[Number(match[1])] : undefined;
  if (!match || !rule) return undefined;
  return new ConstraintViolationError(location, rule.name, rule.expression, match[2]!.trim(), operation);
}

/** Runs a write of checked rows, turning a guard failure into a ConstraintViolationError. */
export async function withConstraintErrors<T>(
  rules: readonly ConstraintRule[],
  location: string,
  operation: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw constraintViolation(error, rules, location, operation) ?? error;
  }
}

/** `a`, `struct_extract(a, 'b')`, ...: field access that cannot be mistaken for table.column. */
function accessPath(path: readonly string[]): string {
  let expr = quoteIdent(path[0]!);
  for (const name of path.slice(1)) expr = `struct_extract(${expr}, ${quoteLiteral(name)})`;
  return expr;
}

/** A column invariant (`delta.invariants` = `{"expression":{"expression":"..."}}`). */
function invariantExpression(field: StructField): string | undefined {
  const raw = field.metadata['delta.invariants'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as { expression?: { expression?: unknown } };
    const expression = parsed.expression?.expression;
    return typeof expression === 'string' ? expression : undefined;
  } catch {
    return undefined;
  }
}
