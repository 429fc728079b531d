/** Admin: tokens and grants (admins only). */
import { Empty } from '../../components/empty';

export default function AdminPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Admin
      </h1>
      <Empty title="Coming soon" />
    </section>
  );
}
