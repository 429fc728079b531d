/**
 * ALTER TABLE ... ADD COLUMNS as a metadata commit. New columns are nullable (existing
 * rows read them as NULL), get column-mapping ids and physical names when the table
 * maps columns, and upgrade the protocol when their type needs a feature
 * (timestamp_ntz). Data files are not touched.
 */
import { assignColumnMapping } from '../log/column-mapping.js';
import { InvalidTableOperationError } from '../errors.js';
import { upgradeProtocol } from '../log/protocol.js';
import { findField, type StructField, type StructType } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import { Transaction, type CommitResult } from '../transaction/transaction.js';

export async function addColumns(snapshot: Snapshot, fields: readonly StructField[]): Promise<CommitResult> {
  if (fields.length === 0)
    throw new InvalidTableOperationError('ADD COLUMNS needs at least one column.', { location: snapshot.location });
  const seen = new Set<string>();
  for (const field of fields) {
    const key = field.name.toLowerCase();
    if (findField(snapshot.schema, field.name) || seen.has(key)) {
      throw new InvalidTableOperationError(
        `Column "${field.name}" already exists in ${snapshot.location} (names are case-insensitive).`,
        { column: field.name, location: snapshot.location },
      );
    }
    seen.add(key);
    if (!field.nullable) {
      throw new InvalidTableOperationError(
        `Column "${field.name}" cannot be added as NOT NULL: the existing rows have no value for it. Add it as nullable.`,
        { column: field.name, location: snapshot.location },
      );
    }
  }
  const logical: StructType = { type: 'struct', fields: [...snapshot.schema.fields, ...fields] };
  const { schema, configuration } = assignColumnMapping(logical, snapshot.configuration);
  const metadata = { ...snapshot.metadata, schemaString: JSON.stringify(schema), configuration };
  const txn = new Transaction(snapshot, {
    operation: 'ADD COLUMNS',
    operationParameters: { columns: JSON.stringify(fields.map((column) => ({ column }))) },
  });
  txn.setMetadata(metadata);
  const protocol = upgradeProtocol(snapshot.protocol, configuration, schema);
  if (protocol !== snapshot.protocol) txn.setProtocol(protocol);
  return txn.commit();
}
