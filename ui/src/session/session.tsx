/**
 * Who is signed in. The session is the httpOnly cookie the server set at sign-in; the
 * page only learns the principal and the CSRF token from `GET /v1/session`. A 401 there
 * means nobody is signed in (or the token was revoked): the shell shows the sign-in page.
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { ApiError } from '../api/api-error';
import { api, call, setCsrfToken, type Json } from '../api/client';

export type SessionInfo = Json<'/v1/session', 'get'>;
export const SESSION_KEY = ['session'] as const;

async function loadSession(): Promise<SessionInfo | null> {
  try {
    const session = await call(api.GET('/v1/session'));
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The session query: null when signed out. */
export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: 60_000, retry: false });
}

/** Drops what the previous principal saw; the session query itself stays (its observers follow it). */
function forgetData(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}

/** Signs in with a token; throws the server's error (e.g. API_UNAUTHORIZED) for the form to show. */
export function useSignIn(): (token: string) => Promise<void> {
  const client = useQueryClient();
  return async (token) => {
    const session = await call(api.POST('/v1/session', { body: { token } }));
    setCsrfToken(session.csrfToken);
    forgetData(client);
    client.setQueryData(SESSION_KEY, session);
  };
}

export function useSignOut(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await api.DELETE('/v1/session');
    setCsrfToken(null);
    forgetData(client);
    client.setQueryData(SESSION_KEY, null);
  };
}

const SessionContext = createContext<SessionInfo | null>(null);

export function SessionProvider({
  session,
  children,
}: {
  readonly session: SessionInfo;
  readonly children: ReactNode;
}) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in session (inside the shell, never null). */
export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside the signed-in shell');
  return session;
}
