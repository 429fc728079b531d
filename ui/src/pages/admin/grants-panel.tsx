/**
 * Grants of the writer and reader roles: which tables, which columns, which rows. A
 * role with no grant sees every table; with some, only those. `?edit=reader/main.sales`
 * opens a grant in the form (a deep link).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { ErrorBox } from '../../components/error-box';
import { QueryView } from '../../components/query-view';
import { useSearchParam } from '../../router/router';
import { parseColumns, type GrantRole } from './grant-form';

export function GrantsPanel() {
  const client = useQueryClient();
  const grants = useQuery({ queryKey: ['admin', 'grants'], queryFn: () => call(api.GET('/v1/admin/grants')) });
  const tables = useQuery({ queryKey: ['tables'], queryFn: () => call(api.GET('/v1/tables')) });
  const [edit, setEdit] = useSearchParam('edit');
  const [role, setRole] = useState<GrantRole>('reader');
  const [table, setTable] = useState('');
  const [columns, setColumns] = useState('');
  const [rowFilter, setRowFilter] = useState('');

  // The deep link's grant fills the form once the grants are known.
  useEffect(() => {
    if (edit === null || !grants.data) return;
    const [editRole, ...rest] = edit.split('/');
    const found = grants.data.grants.find((g) => g.role === editRole && g.table === rest.join('/'));
    setRole(editRole === 'writer' ? 'writer' : 'reader');
    setTable(found?.table ?? rest.join('/'));
    setColumns(found?.columns?.join(', ') ?? '');
    setRowFilter(found?.rowFilter ?? '');
  }, [edit, grants.data]);

  const invalidate = () => void client.invalidateQueries({ queryKey: ['admin', 'grants'] });
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/v1/admin/grants/{role}/{table}', {
          params: { path: { role, table } },
          body: { columns: parseColumns(columns), rowFilter: rowFilter.trim() === '' ? null : rowFilter.trim() },
        }),
      ),
    onSuccess: () => {
      invalidate();
      setEdit(null, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: (grant: { role: GrantRole; table: string }) =>
      call(api.DELETE('/v1/admin/grants/{role}/{table}', { params: { path: grant } })),
    onSuccess: invalidate,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <section className="panel" aria-labelledby="grants-title">
      <h2 id="grants-title">Grants</h2>
      <p className="muted">
        A writer or reader role with grants sees only the granted tables, and of each only the listed columns and the
        rows its filter keeps. A role without any grant sees every table.
      </p>
      <form className="admin-form" onSubmit={submit} aria-label="Grant a table">
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as GrantRole)} aria-label="Grant role">
            <option value="reader">reader</option>
            <option value="writer">writer</option>
          </select>
        </label>
        <label>
          Table{' '}
          <select value={table} onChange={(e) => setTable(e.target.value)} aria-label="Grant table" required>
            <option value="">choose…</option>
            {tables.data?.tables.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Columns{' '}
          <input
            value={columns}
            onChange={(e) => setColumns(e.target.value)}
            placeholder="all (or: id, region)"
            aria-label="Grant columns"
          />
        </label>
        <label>
          Rows{' '}
          <input
            value={rowFilter}
            onChange={(e) => setRowFilter(e.target.value)}
            placeholder="all (or: region = 'EU')"
            aria-label="Grant row filter"
            className="mono"
          />
        </label>
        <button type="submit" className="primary" disabled={save.isPending || table === ''}>
          Save grant
        </button>
      </form>
      {save.isError && <ErrorBox error={save.error} />}
      {remove.isError && <ErrorBox error={remove.error} />}
      <QueryView query={grants} label="Loading grants" isEmpty={(d) => d.grants.length === 0} emptyTitle="No grants">
        {(data) => (
          <table className="data" aria-label="Grants">
            <thead>
              <tr>
                <th>Role</th>
                <th>Table</th>
                <th>Columns</th>
                <th>Rows</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.grants.map((grant) => (
                <tr key={`${grant.role}/${grant.table}`}>
                  <td>{grant.role}</td>
                  <td>{grant.table}</td>
                  <td>{grant.columns?.join(', ') ?? <span className="muted">all</span>}</td>
                  <td className="mono">{grant.rowFilter ?? <span className="muted">all</span>}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Edit grant ${grant.role} ${grant.table}`}
                      onClick={() => setEdit(`${grant.role}/${grant.table}`)}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Remove grant ${grant.role} ${grant.table}`}
                      onClick={() => remove.mutate({ role: grant.role, table: grant.table })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
