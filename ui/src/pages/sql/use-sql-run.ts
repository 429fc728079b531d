/**
 * Running one statement with a cancel: each run gets an id (sent as
 * `x-strata-query-id`), Cancel asks the server to interrupt that id, and the run then
 * fails with the server's API_QUERY_CANCELLED like any other error. The history is
 * refetched when a run settles. Leaving the page cancels a query still running: nobody
 * is left to read its answer, and it would hold a sandbox slot until it finished.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { HISTORY_KEY } from './history-panel';
import { cancelSql, runSql, type SqlResult } from './sql-api';

export interface SqlRun {
  readonly run: (sql: string) => void;
  readonly cancel: () => void;
  readonly running: boolean;
  readonly cancelling: boolean;
  readonly result: (SqlResult & { readonly elapsedMs: number; readonly sql: string }) | undefined;
  readonly error: unknown;
}

function newId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `q-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function useSqlRun(): SqlRun {
  const client = useQueryClient();
  const current = useRef<string | null>(null);
  const run = useMutation({
    mutationFn: async (sql: string) => {
      const id = newId();
      current.current = id;
      const started = performance.now();
      const result = await runSql(sql, id);
      return { ...result, elapsedMs: Math.round(performance.now() - started), sql };
    },
    onSettled: () => {
      current.current = null;
      void client.invalidateQueries({ queryKey: HISTORY_KEY });
    },
  });
  const cancel = useMutation({
    mutationFn: async () => {
      if (current.current !== null) await cancelSql(current.current);
    },
  });
  useEffect(
    () => () => {
      // Fire and forget: the page is gone, and a query that just finished makes the cancel a no-op.
      if (current.current !== null) void cancelSql(current.current).catch(() => undefined);
    },
    [],
  );
  return {
    run: (sql) => run.mutate(sql),
    cancel: () => cancel.mutate(),
    running: run.isPending,
    cancelling: cancel.isPending,
    result: run.data,
    // A cancel that found nothing (the query had just finished) changes nothing: the run's own outcome is shown.
    error: run.error ?? undefined,
  };
}
