/** A table's schema: columns (types, nullability, comments), partitioning, constraints, properties. */
import type { TableDetail } from './table-queries';
import { formatBytes } from './table-format';

export function SchemaTab({ table }: { readonly table: TableDetail }) {
  const properties = Object.entries(table.properties);
  return (
    <div className="tables-stack">
      <section className="panel" aria-labelledby="columns-title">
        <h3 id="columns-title">Columns</h3>
        <table className="data" aria-label="Columns">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Nullable</th>
              <th>Comment</th>
            </tr>
          </thead>
          <tbody>
            {table.columns.map((column) => (
              <tr key={column.name}>
                <td className="mono">
                  {column.name}
                  {table.partitionColumns.includes(column.name) && <span className="tables-badge">partition</span>}
                </td>
                <td className="mono" title={`DuckDB: ${column.duckdbType}`}>
                  {column.type}
                </td>
                <td>{column.nullable ? 'yes' : 'NOT NULL'}</td>
                <td>{column.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {table.restricted.columns && <p className="muted">Your grant shows some of this table's columns only.</p>}
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="layout-title">
          <h3 id="layout-title">Layout</h3>
          <dl className="tables-facts">
            <dt>Partitioned by</dt>
            <dd>{table.partitionColumns.length === 0 ? 'not partitioned' : table.partitionColumns.join(', ')}</dd>
            <dt>Version</dt>
            <dd>{table.version}</dd>
            <dt>Last commit</dt>
            <dd>{new Date(table.lastCommitAt).toLocaleString()}</dd>
            {table.numRows !== undefined && table.numRows !== null && (
              <>
                <dt>Rows</dt>
                <dd>{table.numRows.toLocaleString()}</dd>
              </>
            )}
            {table.numFiles !== undefined && (
              <>
                <dt>Files</dt>
                <dd>{table.numFiles}</dd>
              </>
            )}
            {table.sizeBytes !== undefined && (
              <>
                <dt>Size</dt>
                <dd>{formatBytes(table.sizeBytes)}</dd>
              </>
            )}
            {table.location !== undefined && (
              <>
                <dt>Location</dt>
                <dd className="mono">{table.location}</dd>
              </>
            )}
          </dl>
        </section>
        <section className="panel" aria-labelledby="constraints-title">
          <h3 id="constraints-title">Constraints</h3>
          {table.constraints.length === 0 ? (
            <p className="muted">No constraints.</p>
          ) : (
            <ul aria-label="Constraints" className="tables-plain-list">
              {table.constraints.map((constraint) => (
                <li key={constraint.name}>
                  <span className="tables-badge">{constraint.kind.replace('_', ' ')}</span>{' '}
                  <strong>{constraint.name}</strong> <code>{constraint.expression}</code>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="panel" aria-labelledby="properties-title">
        <h3 id="properties-title">Properties</h3>
        {properties.length === 0 ? (
          <p className="muted">No properties.</p>
        ) : (
          <table className="data" aria-label="Properties">
            <tbody>
              {properties.map(([key, value]) => (
                <tr key={key}>
                  <td className="mono">{key}</td>
                  <td className="mono">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
