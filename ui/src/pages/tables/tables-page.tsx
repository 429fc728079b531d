/** The Tables page: a placeholder the Tables part of the console replaces (this folder is its own). */
import { Empty } from '../../components/empty';

export default function TablesPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Tables
      </h1>
      <Empty title="Coming soon" />
    </section>
  );
}
