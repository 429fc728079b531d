/** The SQL page: a placeholder the SQL part of the console replaces (this folder is its own). */
import { Empty } from '../../components/empty';

export default function SQLPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        SQL
      </h1>
      <Empty title="Coming soon" />
    </section>
  );
}
