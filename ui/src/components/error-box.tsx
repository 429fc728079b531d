/** An error as the server said it: its stable code and its message (and an optional retry). */
import { ApiError } from '../api/api-error';

export function ErrorBox({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const shown = ApiError.of(error);
  return (
    <div className="error-box" role="alert">
      <code>{shown.code}</code> {shown.message}
      {onRetry && (
        <>
          {' '}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </>
      )}
    </div>
  );
}
