/** API tokens: create (the secret is shown once), list, revoke. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, type Json } from '../../api/client';
import { ErrorBox } from '../../components/error-box';
import { QueryView } from '../../components/query-view';
import { tokenStatus, EXPIRY_CHOICES } from './token-status';

type Created = Json<'/v1/admin/tokens', 'post'>;
type Role = Created['role'];

export function TokensPanel() {
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ['admin', 'tokens'], queryFn: () => call(api.GET('/v1/admin/tokens')) });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('reader');
  const [expiry, setExpiry] = useState('');
  const [created, setCreated] = useState<Created | null>(null);

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/v1/admin/tokens', {
          body: { name: name.trim(), role, ...(expiry === '' ? {} : { expiresInSeconds: Number(expiry) }) },
        }),
      ),
    onSuccess: (token) => {
      setCreated(token);
      setName('');
      void client.invalidateQueries({ queryKey: ['admin', 'tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: string) => call(api.DELETE('/v1/admin/tokens/{token}', { params: { path: { token } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['admin', 'tokens'] }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    create.mutate();
  };

  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <form className="admin-form" onSubmit={submit} aria-label="Create a token">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required aria-label="Token name" />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} aria-label="Token role">
            <option value="reader">reader</option>
            <option value="writer">writer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Expires{' '}
          <select value={expiry} onChange={(e) => setExpiry(e.target.value)} aria-label="Token expiry">
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.label} value={choice.seconds ?? ''}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending || name.trim() === ''}>
          Create token
        </button>
      </form>
      {create.isError && <ErrorBox error={create.error} />}
      {created && (
        <div className="secret-box" role="status" aria-label="New token">
          <p>
            Token <strong>{created.name}</strong> ({created.role}) created. Copy it now: it is shown only this once.
          </p>
          <code className="secret" aria-label="Token secret">
            {created.token}
          </code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.token)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {revoke.isError && <ErrorBox error={revoke.error} />}
      <QueryView query={tokens} label="Loading tokens" isEmpty={(d) => d.tokens.length === 0} emptyTitle="No tokens">
        {(data) => (
          <table className="data" aria-label="Tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Status</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.tokens.map((token) => {
                const status = tokenStatus(token, new Date());
                return (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td>{token.role}</td>
                    <td className={status.kind === 'active' ? 'state-ok' : 'muted'}>{status.text}</td>
                    <td>{new Date(token.createdAt).toLocaleString()}</td>
                    <td>{token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : '—'}</td>
                    <td>
                      {status.kind === 'active' && (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Revoke ${token.name}`}
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate(token.id)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
