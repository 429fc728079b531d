/** A loading state with a name screen readers announce. */
export function Loading({ label = 'Loading' }: { readonly label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      {label}…
    </div>
  );
}
