/** The bench process's handle on its load client process (load-worker.ts). */
import type { LoadJob, LoadResult, LoadWorkerMessage, PagesJob, PagesResult } from './load-protocol.js';
import { WorkerProcess } from './worker-process.js';

export class LoadClient {
  private constructor(private readonly worker: WorkerProcess<LoadWorkerMessage>) {}

  static async start(): Promise<LoadClient> {
    return new LoadClient(
      await WorkerProcess.start<LoadWorkerMessage>('load client', new URL('./load-worker.ts', import.meta.url)),
    );
  }

  load(job: Omit<LoadJob, 'kind'>): Promise<LoadResult> {
    return this.worker.ask({ kind: 'load', ...job }, 'loaded', (job.duration + 60) * 1000);
  }

  pages(job: Omit<PagesJob, 'kind'>): Promise<PagesResult> {
    return this.worker.ask({ kind: 'pages', ...job }, 'paged');
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

/** `200 ×1234, 304 ×5` */
export function statusText(result: LoadResult): string {
  return (
    Object.entries(result.statuses)
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ') || 'no responses'
  );
}

/** Throws unless every response had `status` and there were no socket errors. */
export function expectStatus(what: string, result: LoadResult, status: number): void {
  const other = Object.entries(result.statuses).filter(([code]) => Number(code) !== status);
  if (result.requests === 0 || other.length > 0 || result.errors > 0) {
    throw new Error(
      `${what}: expected only ${status} answers, got ${statusText(result)} and ${result.errors} errors (${result.timeouts} timeouts)`,
    );
  }
}
