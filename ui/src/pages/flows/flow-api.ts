/**
 * The Flows page's server data: TanStack Query hooks over the typed client, one key per
 * resource so a mutation invalidates exactly what it changed.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Json } from '../../api/client';

export type FlowRow = Json<'/v1/flows'>['flows'][number];
export type FlowDetail = Json<'/v1/flows/{flowId}'>;
export type GridView = Json<'/v1/flows/{flowId}/grid'>;
export type GanttView = Json<'/v1/runs/{runId}/gantt'>;
export type PoolView = Json<'/v1/pools'>['pools'][number];
export type BackfillView = Json<'/v1/flows/{flowId}/backfill', 'post'>;
export type LogLine = Json<'/v1/runs/{runId}/tasks/{taskId}/logs'>['lines'][number];

const keys = {
  flows: ['flows'] as const,
  flow: (id: string) => ['flows', id] as const,
  grid: (id: string) => ['flows', id, 'grid'] as const,
  gantt: (runId: number) => ['runs', runId, 'gantt'] as const,
  pools: ['pools'] as const,
};

export function useFlows() {
  return useQuery({
    queryKey: keys.flows,
    queryFn: () => call(api.GET('/v1/flows')),
    refetchInterval: 5_000,
  });
}

export function useFlow(flowId: string) {
  return useQuery({
    queryKey: keys.flow(flowId),
    queryFn: () => call(api.GET('/v1/flows/{flowId}', { params: { path: { flowId } } })),
  });
}

export function useGrid(flowId: string, limit = 25) {
  return useQuery({
    queryKey: [...keys.grid(flowId), limit],
    queryFn: () => call(api.GET('/v1/flows/{flowId}/grid', { params: { path: { flowId }, query: { limit } } })),
    // Runs come and change state: a grid a few seconds old is what Airflow's shows too.
    refetchInterval: 3_000,
  });
}

/** While the run is under way the stream of its events (run-page.tsx) invalidates this; the interval moves "now". */
export function useGantt(runId: number) {
  return useQuery({
    queryKey: keys.gantt(runId),
    queryFn: () => call(api.GET('/v1/runs/{runId}/gantt', { params: { path: { runId } } })),
    refetchInterval: (query) => {
      const state = query.state.data?.run.state;
      return state === 'queued' || state === 'running' ? 2_000 : false;
    },
  });
}

export function usePools() {
  return useQuery({ queryKey: keys.pools, queryFn: () => call(api.GET('/v1/pools')), refetchInterval: 5_000 });
}

export function useInvalidate() {
  const client = useQueryClient();
  return {
    gantt: (runId: number) => void client.invalidateQueries({ queryKey: keys.gantt(runId) }),
    flow: (flowId: string) => {
      void client.invalidateQueries({ queryKey: keys.flows });
      void client.invalidateQueries({ queryKey: keys.flow(flowId) });
      void client.invalidateQueries({ queryKey: keys.grid(flowId) });
    },
    pools: () => void client.invalidateQueries({ queryKey: keys.pools }),
  };
}

export function useTrigger(flowId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (params: Record<string, unknown>) =>
      call(api.POST('/v1/flows/{flowId}/runs', { params: { path: { flowId } }, body: { params } })),
    onSuccess: () => invalidate.flow(flowId),
  });
}

export interface BackfillInput {
  readonly from: string;
  readonly to: string;
  readonly reprocess: 'missing' | 'failed' | 'all';
  readonly dryRun: boolean;
}

export function useBackfill(flowId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: BackfillInput) =>
      call(api.POST('/v1/flows/{flowId}/backfill', { params: { path: { flowId } }, body: input })),
    onSuccess: (_data, input) => {
      if (!input.dryRun) invalidate.flow(flowId);
    },
  });
}

export function usePause(flowId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (paused: boolean) =>
      paused
        ? call(api.POST('/v1/flows/{flowId}/pause', { params: { path: { flowId } } }))
        : call(api.POST('/v1/flows/{flowId}/unpause', { params: { path: { flowId } } })),
    onSuccess: () => invalidate.flow(flowId),
  });
}

export function useSetPool() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ name, slots }: { name: string; slots: number }) =>
      call(api.PUT('/v1/pools/{name}', { params: { path: { name } }, body: { slots } })),
    onSuccess: () => invalidate.pools(),
  });
}
