/** Home: the server's health at a glance (more panels land here: commits, runs, live metrics). */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { QueryView } from '../../components/query-view';

export default function HomePage() {
  const health = useQuery({ queryKey: ['health'], queryFn: () => call(api.GET('/health')), refetchInterval: 10_000 });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="page-title">
        Home
      </h1>
      <div className="grid-2">
        <div className="panel" aria-labelledby="health-title">
          <h2 id="health-title">Server health</h2>
          <QueryView query={health} label="Checking health">
            {(data) => (
              <p>
                Status: <strong className="state-ok">{data.status}</strong>
              </p>
            )}
          </QueryView>
        </div>
      </div>
    </section>
  );
}
