/** Admin (admins only; the server refuses others): API tokens and table grants. */
import { useSession } from '../../session/session';
import { Empty } from '../../components/empty';
import { GrantsPanel } from './grants-panel';
import { TokensPanel } from './tokens-panel';
import './admin-page.css';

export default function AdminPage() {
  const session = useSession();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Admin
      </h1>
      {session.principal.role !== 'admin' ? (
        <Empty title="Admins only">Tokens and grants are managed by admins.</Empty>
      ) : (
        <div className="admin-panels">
          <TokensPanel />
          <GrantsPanel />
        </div>
      )}
    </section>
  );
}
