/** The catalog tree: schemas and the tables in them the signed-in principal can read. */
import { Link } from '../../router/router';
import { QueryView } from '../../components/query-view';
import { tablePath } from './table-format';
import { useCatalog } from './table-queries';

export function CatalogTree({ selected }: { readonly selected: string | null }) {
  const catalog = useCatalog();
  return (
    <nav aria-label="Catalog" className="tables-tree panel">
      <h2>Catalog</h2>
      <QueryView
        query={catalog}
        label="Loading the catalog"
        isEmpty={(data) => data.schemas.length === 0}
        emptyTitle="No tables you can read"
      >
        {(data) => (
          <ul className="tables-tree-schemas">
            {data.schemas.map((schema) => (
              <li key={schema.name}>
                <span className="tables-tree-schema" aria-hidden="true">
                  {schema.name}
                </span>
                <ul aria-label={`Schema ${schema.name}`}>
                  {schema.tables.length === 0 && <li className="muted">no tables</li>}
                  {schema.tables.map((table) => (
                    <li key={table.name}>
                      <Link
                        to={tablePath(table.schema, table.table)}
                        aria-current={selected === table.name ? 'page' : undefined}
                        title={`${table.name} (${table.kind})`}
                      >
                        {table.table}
                      </Link>
                      {table.kind === 'external' && <span className="tables-badge">external</span>}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </nav>
  );
}
