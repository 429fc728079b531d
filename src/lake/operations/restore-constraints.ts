/**
 * What a RESTORE does to the table's constraints. Restoring an older version restores
 * its metadata too, so a CHECK constraint, NOT NULL column, invariant or generated
 * column added since is silently dropped (and one dropped since comes back): writes
 * that were refused become accepted, or the other way round. RESTORE names each one.
 */
import type { Metadata } from '../log/actions.js';
import type { StructType } from '../log/schema.js';
import { checkConstraints, tableConstraints } from '../write/constraints.js';

export interface TableConstraint {
  readonly kind: 'check' | 'notNull' | 'invariant' | 'generated';
  /** A CHECK constraint's name; for the others the column (a dotted path inside structs). */
  readonly name: string;
  readonly expression: string;
}

export interface ConstraintChanges {
  /** In force before the RESTORE, gone after it. */
  readonly removed: readonly TableConstraint[];
  /** Not in force before the RESTORE, back after it. */
  readonly added: readonly TableConstraint[];
}

export function constraintsOf(schema: StructType, metadata: Metadata): TableConstraint[] {
  const checks = new Set(checkConstraints(metadata).map((c) => c.name));
  const out: TableConstraint[] = tableConstraints(schema, metadata).map((rule) => {
    if (checks.has(rule.name)) return { kind: 'check', name: rule.name, expression: rule.expression };
    if (rule.name.startsWith('NOT NULL '))
      return { kind: 'notNull', name: rule.name.slice('NOT NULL '.length), expression: rule.expression };
    return { kind: 'invariant', name: rule.name.replace(/^INVARIANT /, ''), expression: rule.expression };
  });
  for (const field of schema.fields) {
    const expression = field.metadata['delta.generationExpression'];
    if (typeof expression === 'string') out.push({ kind: 'generated', name: field.name, expression });
  }
  return out;
}

export function constraintChanges(
  before: readonly TableConstraint[],
  after: readonly TableConstraint[],
): ConstraintChanges {
  const key = (c: TableConstraint) => JSON.stringify([c.kind, c.name, c.expression]);
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return { removed: before.filter((c) => !has.has(key(c))), added: after.filter((c) => !had.has(key(c))) };
}

/** `CHECK positive (v > 0)`, `NOT NULL id`, `INVARIANT x (x > 0)`, `generated column g (a + 1)`. */
export function describeConstraint(constraint: TableConstraint): string {
  switch (constraint.kind) {
    case 'check':
      return `CHECK ${constraint.name} (${constraint.expression})`;
    case 'notNull':
      return `NOT NULL ${constraint.name}`;
    case 'invariant':
      return `INVARIANT ${constraint.name} (${constraint.expression})`;
    case 'generated':
      return `generated column ${constraint.name} (${constraint.expression})`;
  }
}

/** `; removed CHECK positive (v > 0); re-added NOT NULL id`, or '' when nothing changed. */
export function describeConstraintChanges(changes: ConstraintChanges): string {
  const part = (verb: string, list: readonly TableConstraint[]) =>
    list.length === 0 ? '' : `; ${verb} ${list.map(describeConstraint).join(', ')}`;
  return `${part('removed', changes.removed)}${part('re-added', changes.added)}`;
}
