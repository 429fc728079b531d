/** The newest commits across the tables this principal can see, each a link to the table at that version. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { QueryView } from '../../components/query-view';
import { Link, pathWith } from '../../router/router';

export function CommitsPanel() {
  const commits = useQuery({
    queryKey: ['commits', 10],
    queryFn: () => call(api.GET('/v1/commits', { params: { query: { limit: 10 } } })),
    refetchInterval: 15_000,
  });
  return (
    <section className="panel" aria-labelledby="commits-title">
      <h2 id="commits-title">Recent commits</h2>
      <QueryView
        query={commits}
        label="Loading commits"
        isEmpty={(data) => data.commits.length === 0}
        emptyTitle="No commits yet: create a table (strata sql, or the SQL page)"
      >
        {(data) => (
          <table className="data" aria-label="Recent commits">
            <thead>
              <tr>
                <th>Table</th>
                <th>Version</th>
                <th>Operation</th>
                <th>Rows</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {data.commits.map((commit) => (
                <tr key={`${commit.table}@${commit.version}`}>
                  <td>
                    <Link to={pathWith(`/tables/${commit.table}`, { version: commit.version })}>{commit.table}</Link>
                  </td>
                  <td>{commit.version}</td>
                  <td>{commit.operation}</td>
                  <td>{rowsOf(commit.operationMetrics)}</td>
                  <td title={commit.timestamp}>{new Date(commit.timestamp).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}

function rowsOf(metrics: Record<string, unknown> | undefined): string {
  const rows = metrics?.numOutputRows ?? metrics?.numTargetRowsInserted;
  return rows === undefined || rows === null ? '' : String(rows);
}
