/**
 * DDL and catalog statements: CREATE SCHEMA/TABLE (with columns, or AS a query),
 * DROP TABLE, ALTER TABLE (columns, CHECK constraints, properties), SHOW TABLES and
 * DESCRIBE <table>.
 */
import { TableAlreadyExistsError, type Catalog } from '../../catalog/index.js';
import { duckdbType, fromSql, quoteIdent, type StructType } from '../../lake/index.js';
import { parseColumnList } from '../sql/column-list.js';
import { message, nameOf, rowsResult, type StatementResult, type ExecutionSession } from './statement-results.js';
import type { Statement, TableRef } from '../sql/statement-parser.js';

type DdlStatement = Extract<
  Statement,
  {
    kind:
      | 'createTable'
      | 'createSchema'
      | 'dropTable'
      | 'addColumns'
      | 'addConstraint'
      | 'dropConstraint'
      | 'setProperties'
      | 'showTables'
      | 'describeTable';
  }
>;

export async function executeDdl(session: ExecutionSession, statement: DdlStatement): Promise<StatementResult> {
  const catalog = session.catalog;
  switch (statement.kind) {
    case 'createSchema':
      await catalog.createSchema(statement.schema, { ifNotExists: statement.ifNotExists });
      return message(statement.kind, `created schema ${statement.schema}`);
    case 'createTable':
      return createTable(session, statement);
    case 'dropTable': {
      const dropped = await catalog.dropTable(nameOf(statement.name), {
        ifExists: statement.ifExists,
        purge: statement.purge,
      });
      return message(
        statement.kind,
        dropped ? `dropped table ${dropped.name}${statement.purge ? ' and its files' : ''}` : 'no such table',
      );
    }
    case 'addColumns': {
      const table = await catalog.openTable(nameOf(statement.name));
      const version = await table.addColumns((await parseColumnList(statement.columns)).fields);
      return message(statement.kind, `added columns to ${nameOf(statement.name)}`, version);
    }
    case 'addConstraint': {
      const table = await catalog.openTable(nameOf(statement.name));
      const version = await table.addConstraint(statement.constraint, statement.check);
      return message(statement.kind, `added constraint ${statement.constraint} CHECK (${statement.check})`, version);
    }
    case 'dropConstraint': {
      const table = await catalog.openTable(nameOf(statement.name));
      const version = await table.dropConstraint(statement.constraint, { ifExists: statement.ifExists });
      return message(statement.kind, `dropped constraint ${statement.constraint}`, version);
    }
    case 'setProperties': {
      const table = await catalog.openTable(nameOf(statement.name));
      const version = await table.setProperties(statement.properties);
      return message(statement.kind, `set ${Object.keys(statement.properties).length} table properties`, version);
    }
    case 'showTables': {
      const tables = await catalog.listTables(statement.schema);
      return rowsResult(
        statement.kind,
        tables.map((t) => ({ schema: t.schema, name: t.table, kind: t.kind, location: t.location })),
        { schema: 'VARCHAR', name: 'VARCHAR', kind: 'VARCHAR', location: 'VARCHAR' },
      );
    }
    case 'describeTable':
      return describeTable(catalog, statement.name);
  }
}

async function createTable(
  session: ExecutionSession,
  statement: Extract<Statement, { kind: 'createTable' }>,
): Promise<StatementResult> {
  const catalog = session.catalog;
  const name = nameOf(statement.name);
  const existing = await catalog.findTable(name);
  if (existing && statement.ifNotExists) return message(statement.kind, `table ${existing.name} already exists`);
  if (existing && !statement.orReplace) throw new TableAlreadyExistsError(existing.name);
  const schema: StructType | undefined = statement.columns ? await parseColumnList(statement.columns) : undefined;
  if (statement.location !== undefined && !schema && !statement.asQuery) {
    // CREATE TABLE t LOCATION '...': name an existing Delta table (an external table).
    const registered = await catalog.registerExternal(name, statement.location);
    return message(statement.kind, `registered external table ${registered.name} at ${registered.location}`);
  }
  const common = {
    partitionColumns: statement.partitionedBy,
    properties: statement.properties,
    ...(statement.location !== undefined ? { location: statement.location } : {}),
  };
  if (existing) {
    // CREATE OR REPLACE keeps the table's history: its new contents and schema are one overwrite.
    const table = await catalog.openTable(name);
    const query = statement.asQuery ?? emptyRows(schema!);
    const result = await session.withBoundSql(query, (connection, bound) =>
      table.overwrite(fromSql(bound), { overwriteSchema: true, partitionColumns: statement.partitionedBy, connection }),
    );
    return message(statement.kind, `replaced table ${existing.name}`, result.version);
  }
  if (!statement.asQuery) {
    const created = await catalog.createTable(name, { schema: schema!, ...common });
    return message(statement.kind, `created table ${created.name}`, 0);
  }
  const created = await session.withBoundSql(statement.asQuery, (connection, bound) =>
    catalog.createTable(name, { data: fromSql(bound), ...common, connection }),
  );
  const table = await catalog.openTable(created.name);
  return message(statement.kind, `created table ${created.name} with ${table.snapshot.numRecords ?? 0} rows`, 0);
}

async function describeTable(catalog: Catalog, ref: TableRef): Promise<StatementResult> {
  const table = await catalog.openTable(nameOf(ref));
  const snapshot = table.snapshot;
  const partitions = new Set(snapshot.partitionColumns);
  const constraints = Object.entries(snapshot.configuration).filter(([k]) => k.startsWith('delta.constraints.'));
  const rows = snapshot.schema.fields.map((f) => ({
    column_name: f.name,
    data_type: typeof f.type === 'string' ? f.type : JSON.stringify(f.type),
    nullable: f.nullable,
    partition: partitions.has(f.name),
  }));
  const result = rowsResult('describeTable', rows, {
    column_name: 'VARCHAR',
    data_type: 'VARCHAR',
    nullable: 'BOOLEAN',
    partition: 'BOOLEAN',
  });
  const note =
    constraints.length > 0
      ? `constraints: ${constraints.map(([k, v]) => `${k.slice('delta.constraints.'.length)} CHECK (${v})`).join('; ')}`
      : undefined;
  return { ...result, ...(note ? { message: note } : {}), version: snapshot.version };
}

/** A query with the schema's columns and no rows. */
function emptyRows(schema: StructType): string {
  return `SELECT ${schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`).join(', ')} WHERE false`;
}
