/**
 * The console's pages: each is one module default-exporting its page, lazily loaded
 * (except Home, the first page most loads open, which is small), so the first load
 * carries only the shell and the page opened. A page owns every path under its prefix
 * (`/tables/...`) and its search params.
 */
import { lazy, type ComponentType } from 'react';
import HomePage from './pages/home/home-page';

export interface RouteEntry {
  /** The path prefix: `/` matches only `/`, `/tables` matches `/tables` and `/tables/...`. */
  readonly path: string;
  /** The navigation label (also the link's accessible name). */
  readonly label: string;
  readonly page: ComponentType;
  /** Shown in navigation only to admins (the server refuses others anyway). */
  readonly adminOnly?: boolean;
}

export const ROUTES: readonly RouteEntry[] = [
  { path: '/', label: 'Home', page: HomePage },
  { path: '/tables', label: 'Tables', page: lazy(() => import('./pages/tables/tables-page')) },
  { path: '/sql', label: 'SQL', page: lazy(() => import('./pages/sql/sql-page')) },
  { path: '/flows', label: 'Flows', page: lazy(() => import('./pages/flows/flows-page')) },
  { path: '/admin', label: 'Admin', page: lazy(() => import('./pages/admin/admin-page')), adminOnly: true },
];

/** The route of a path, or undefined (the shell shows "not found"). */
export function matchRoute(pathname: string, routes: readonly RouteEntry[] = ROUTES): RouteEntry | undefined {
  return routes.find((route) =>
    route.path === '/' ? pathname === '/' : pathname === route.path || pathname.startsWith(`${route.path}/`),
  );
}

/** The path segments after a route's prefix: `/tables/main/sales` → `['main', 'sales']`. */
export function restOf(pathname: string, route: RouteEntry): readonly string[] {
  return pathname
    .slice(route.path === '/' ? 1 : route.path.length + 1)
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
}
