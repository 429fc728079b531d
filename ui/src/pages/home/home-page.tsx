/** Home: server health, live metrics, recent commits across tables and flow runs. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { QueryView } from '../../components/query-view';
import { useSession } from '../../session/session';
import { CommitsPanel } from './commits-panel';
import { MetricsPanel } from './metrics-panel';
import { RunsPanel } from './runs-panel';

function HealthPanel() {
  const session = useSession();
  const ready = useQuery({ queryKey: ['ready'], queryFn: () => call(api.GET('/ready')), refetchInterval: 10_000 });
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">Server health</h2>
      <QueryView query={ready} label="Checking health">
        {(data) => (
          <p>
            Status: <strong className="state-ok">{data.status}</strong>{' '}
            <span className="muted">(the metadata database answers)</span>
          </p>
        )}
      </QueryView>
      <p className="muted">
        Signed in as {session.principal.name} ({session.principal.role})
        {session.insecureLocal ? ' · this server lets local requests in without a token (--insecure-local)' : ''}
      </p>
    </section>
  );
}

export default function HomePage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Home
      </h1>
      <div className="grid-2">
        <HealthPanel />
        <MetricsPanel />
        <CommitsPanel />
        <RunsPanel />
      </div>
    </section>
  );
}
