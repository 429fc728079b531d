/**
 * Work that must happen when the process exits normally (lock files removed).
 * One 'exit' listener for all of them; the work must be synchronous.
 */
const hooks = new Set<() => void>();
let installed = false;

/** Runs `release` at process exit unless the returned function is called first. */
export function releaseAtExit(release: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const hook of [...hooks]) {
        try {
          hook();
        } catch {
          // exiting anyway; a lock left behind is detected as stale
        }
      }
    });
  }
  hooks.add(release);
  return () => hooks.delete(release);
}
