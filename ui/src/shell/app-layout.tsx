/** The frame around every page: navigation (Admin for admins only), theme, who is signed in. */
import { Suspense } from 'react';
import { ErrorBoundary } from '../components/error-boundary';
import { Empty } from '../components/empty';
import { Loading } from '../components/loading';
import { matchRoute, ROUTES } from '../routes';
import { Link, useLocation } from '../router/router';
import { useSession, useSignOut } from '../session/session';
import { ThemeToggle } from './theme-toggle';

export function AppLayout() {
  const session = useSession();
  const signOut = useSignOut();
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const isAdmin = session.principal.role === 'admin';
  const visible = ROUTES.filter((entry) => !entry.adminOnly || isAdmin);
  const Page = route && (!route.adminOnly || isAdmin) ? route.page : undefined;

  return (
    <div className="shell">
      <header className="shell-header">
        <Link to="/" className="shell-brand">
          Strata
        </Link>
        <nav className="shell-nav" aria-label="Main">
          {visible.map((entry) => (
            <Link key={entry.path} to={entry.path} aria-current={entry === route ? 'page' : undefined}>
              {entry.label}
            </Link>
          ))}
        </nav>
        <div className="shell-user">
          <ThemeToggle />
          <span aria-label="Signed in as">
            {session.principal.name} <span className="badge">{session.principal.role}</span>
          </span>
          {!session.insecureLocal && (
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main className="shell-main">
        {Page ? (
          <ErrorBoundary key={route?.path}>
            <Suspense fallback={<Loading label="Loading page" />}>
              <Page />
            </Suspense>
          </ErrorBoundary>
        ) : (
          <Empty title="No such page">
            <Link to="/">Go to Home</Link>
          </Empty>
        )}
      </main>
    </div>
  );
}
