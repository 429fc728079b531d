/**
 * A small router over the History API: the URL is the state. The path picks the page
 * (routes.tsx); search params hold selections (`?table=main.sales&version=3`), so
 * every page and selection is a deep link and the back button works.
 */
import { useCallback, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const CHANGE = 'strata:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const href = () => window.location.pathname + window.location.search;

/** The current path and search string; re-renders on every navigation. */
export function useLocation(): { readonly pathname: string; readonly search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, href, href);
  const url = new URL(current, 'http://console');
  return { pathname: url.pathname, search: url.searchParams };
}

export interface NavigateOptions {
  /** Replace the history entry instead of adding one (for selections that change often). */
  readonly replace?: boolean;
}

/** Goes to a path (with its search string); no-op when already there. */
export function navigate(to: string, options: NavigateOptions = {}): void {
  if (to === href()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** Builds `path?search` from params, dropping null/empty ones. */
export function pathWith(
  pathname: string,
  params: Readonly<Record<string, string | number | null | undefined>>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? pathname : `${pathname}?${text}`;
}

/** One search param as state: `[value, set]`; set(null) removes it. Other params are kept. */
export function useSearchParam(
  name: string,
): readonly [string | null, (value: string | number | null, options?: NavigateOptions) => void] {
  const { search } = useLocation();
  const set = useCallback(
    (value: string | number | null, options: NavigateOptions = {}) => {
      const url = new URL(window.location.href);
      if (value === null || value === '') url.searchParams.delete(name);
      else url.searchParams.set(name, String(value));
      navigate(url.pathname + url.search, options);
    },
    [name],
  );
  return [search.get(name), set] as const;
}

/** An <a> that navigates in the page (ctrl/cmd-click still opens a new tab). */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { readonly to: string }) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
