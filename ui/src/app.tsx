/** The console: the session decides between the sign-in page and the shell. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './api/api-error';
import { ErrorBox } from './components/error-box';
import { Loading } from './components/loading';
import { SessionProvider, useSessionQuery } from './session/session';
import { SignInPage } from './session/sign-in-page';
import { AppLayout } from './shell/app-layout';
import { useApplyTheme } from './shell/theme';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; outages may.
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
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
