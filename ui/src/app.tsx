/** The console: the session decides between the sign-in page and the shell. */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './api/api-error';
import { ErrorBox } from './components/error-box';
import { Loading } from './components/loading';
import { SESSION_KEY, SessionProvider, useSessionQuery } from './session/session';
import { SignInPage } from './session/sign-in-page';
import { AppLayout } from './shell/app-layout';
import { useApplyTheme } from './shell/theme';

export function createQueryClient(): QueryClient {
  // A 401 anywhere (the token was revoked or expired meanwhile): ask who is signed in
  // again, which shows the sign-in page when nobody is.
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) void client.invalidateQueries({ queryKey: SESSION_KEY });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; outages may.
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
  return client;
}

function Gate() {
  useApplyTheme();
  const session = useSessionQuery();
  if (session.isPending) return <Loading label="Connecting" />;
  if (session.isError) return <ErrorBox error={session.error} onRetry={() => void session.refetch()} />;
  if (session.data === null) return <SignInPage />;
  return (
    <SessionProvider session={session.data}>
      <AppLayout />
    </SessionProvider>
  );
}

export function App({ client = createQueryClient() }: { readonly client?: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <Gate />
    </QueryClientProvider>
  );
}
