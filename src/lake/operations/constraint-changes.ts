/**
 * Adding and dropping CHECK constraints (and other table properties) as metadata
 * commits. A constraint is stored as Delta stores it: `delta.constraints.<name>`
 * (name lower-cased) = the SQL expression; adding one first checks every existing row
 * and upgrades the protocol to checkConstraints (legacy writer version 3, or the
 * writer feature on table-features tables). The check and the commit are serializable:
 * a concurrent append (which could add a violating row unchecked) makes the commit
 * fail with a conflict instead of slipping in.
 */
import { libraryPhrase, type Remedy } from '../../core/index.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Metadata } from '../log/actions.js';
import { CONSTRAINT_PREFIX, checkConstraints } from '../write/constraints.js';
import { ConstraintViolationError } from './dml-errors.js';
import { withConnection } from '../../duckdb/index.js';
import { InvalidTableOperationError } from '../errors.js';
import { hasCheckConstraints, upgradeProtocol } from '../log/protocol.js';
import { bindScan } from '../read/scan.js';
import { quoteIdent } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import { Transaction, type CommitResult } from '../transaction/transaction.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function addConstraint(
  snapshot: Snapshot,
  name: string,
  expression: string,
  options: { connection?: DuckDBConnection } = {},
): Promise<CommitResult> {
  if (!NAME.test(name))
    throw new InvalidTableOperationError(
      `Invalid constraint name ${JSON.stringify(name)}: use letters, digits and underscores.`,
      { name },
    );
  const key = `${CONSTRAINT_PREFIX}${name.toLowerCase()}`;
  const existing = checkConstraints(snapshot.metadata).find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (existing) {
    throw new InvalidTableOperationError(
      `Constraint ${existing.name} already exists on ${snapshot.location} (${existing.expression}); drop it first.`,
      { name, location: snapshot.location },
    );
  }
  const check = (connection: DuckDBConnection) =>
    assertRowsSatisfy(connection, snapshot, name.toLowerCase(), expression);
  await (options.connection ? check(options.connection) : withConnection(check));
  const metadata: Metadata = {
    ...snapshot.metadata,
    configuration: { ...snapshot.metadata.configuration, [key]: expression },
  };
  const txn = new Transaction(snapshot, {
    operation: 'ADD CONSTRAINT',
    operationParameters: { name: name.toLowerCase(), expr: expression },
    isolationLevel: 'Serializable',
  });
  txn.readFiles(snapshot.files).setMetadata(metadata);
  const protocol = upgradeProtocol(snapshot.protocol, metadata.configuration, snapshot.schema);
  if (protocol !== snapshot.protocol) txn.setProtocol(protocol);
  return txn.commit();
}

export async function dropConstraint(
  snapshot: Snapshot,
  name: string,
  options: { ifExists?: boolean } = {},
): Promise<CommitResult | undefined> {
  const existing = checkConstraints(snapshot.metadata).find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!existing) {
    if (options.ifExists) return undefined;
    const names = checkConstraints(snapshot.metadata).map((c) => c.name);
    throw new InvalidTableOperationError(
      `${snapshot.location} has no constraint ${name}${names.length > 0 ? ` (it has ${names.join(', ')})` : ''}.`,
      { name, location: snapshot.location },
    );
  }
  const configuration = Object.fromEntries(
    Object.entries(snapshot.metadata.configuration).filter(([k]) => k !== `${CONSTRAINT_PREFIX}${existing.name}`),
  );
  const txn = new Transaction(snapshot, {
    operation: 'DROP CONSTRAINT',
    operationParameters: { name: existing.name, expr: existing.expression },
  });
  return txn.setMetadata({ ...snapshot.metadata, configuration }).commit();
}

/**
 * Sets table properties in one metadata commit, upgrading the protocol when a property
 * needs a feature (e.g. `delta.enableChangeDataFeed`, `delta.enableDeletionVectors`).
 * CHECK constraints are refused here: addConstraint validates the rows first.
 */
export async function setProperties(
  snapshot: Snapshot,
  properties: Readonly<Record<string, string>>,
): Promise<CommitResult> {
  if (hasCheckConstraints(properties)) {
    const remedy: Remedy = { kind: 'addConstraint' };
    throw new InvalidTableOperationError(
      `Add CHECK constraints with ${libraryPhrase(remedy)} (it checks the existing rows), not as table properties.`,
      { properties: Object.keys(properties), remedy },
    );
  }
  const metadata: Metadata = {
    ...snapshot.metadata,
    configuration: { ...snapshot.metadata.configuration, ...properties },
  };
  const txn = new Transaction(snapshot, {
    operation: 'SET TBLPROPERTIES',
    operationParameters: { properties: JSON.stringify(properties) },
  });
  txn.setMetadata(metadata);
  const protocol = upgradeProtocol(snapshot.protocol, metadata.configuration, snapshot.schema);
  if (protocol !== snapshot.protocol) txn.setProtocol(protocol);
  return txn.commit();
}

async function assertRowsSatisfy(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  name: string,
  expression: string,
): Promise<void> {
  const scan = await bindScan(connection, snapshot);
  const view = quoteIdent(scan.view);
  const fail = (reason: string) =>
    new InvalidTableOperationError(
      `CHECK constraint ${name} (${expression}) cannot be added to ${snapshot.location}: ${reason}`,
      { name, expression, location: snapshot.location },
    );
  try {
    let type: string;
    try {
      const described = (
        await connection.runAndReadAll(`DESCRIBE SELECT (${expression}) AS c FROM ${view}`)
      ).getRowObjectsJson();
      type = String(described[0]?.column_type);
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    if (type !== 'BOOLEAN') throw fail(`the expression is ${type}, not BOOLEAN.`);
    const columns = snapshot.schema.fields.map((f) => `${quoteIdent(f.name)} := ${quoteIdent(f.name)}`).join(', ');
    const rows = (
      await connection.runAndReadAll(
        `SELECT CAST(to_json(struct_pack(${columns})) AS VARCHAR) AS row, count(*) OVER () AS n FROM ${view} WHERE NOT coalesce((${expression}), false) LIMIT 1`,
      )
    ).getRowObjectsJson();
    if (rows[0])
      throw new ConstraintViolationError(
        snapshot.location,
        name,
        expression,
        `${String(rows[0].row)} (one of ${String(rows[0].n)} existing rows)`,
        'ADD CONSTRAINT',
      );
  } finally {
    await scan.release();
  }
}
