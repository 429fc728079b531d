/** Sign-in with an API token; a refused token shows the server's code and message. */
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../components/error-box';
import { useSignIn } from './session';

export function SignInPage() {
  const signIn = useSignIn();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in panel">
      <h1 className="page-title">Sign in to Strata</h1>
      <form onSubmit={(event) => void submit(event)}>
        <div className="form-row">
          <label htmlFor="sign-in-token">API token</label>
          <input
            id="sign-in-token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            placeholder="strata_…"
            required
          />
          <span className="muted">
            Create one with <code>strata token create --name NAME --role admin</code>.
          </span>
        </div>
        {error !== null && <ErrorBox error={error} />}
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
