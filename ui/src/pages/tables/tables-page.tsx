/**
 * The Tables page: the catalog tree on the left, the selected table on the right.
 * `/tables/<schema>/<table>` (or `/tables/<schema.table>`) selects a table; its tab and
 * selections are search params (`?tab=history&version=3`), so every view is a deep link.
 */
import { Empty } from '../../components/empty';
import { useLocation } from '../../router/router';
import { CatalogTree } from './catalog-tree';
import { tableNameOf } from './table-format';
import { TableView } from './table-view';
import './tables.css';

export default function TablesPage() {
  const { pathname } = useLocation();
  const name = tableNameOf(
    pathname
      .slice('/tables'.length)
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent),
  );
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Tables
      </h1>
      <div className="tables-layout">
        <CatalogTree selected={name} />
        <div className="tables-main">
          {name === null ? <Empty title="Pick a table in the catalog" /> : <TableView key={name} name={name} />}
        </div>
      </div>
    </section>
  );
}
