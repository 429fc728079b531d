/**
 * The Tables page's server data: one TanStack Query per route, keyed by what it depends
 * on, so tabs and selections share cached answers.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, apiFetch, call, type Json } from '../../api/client';

export type CatalogTree = Json<'/v1/catalog'>;
export type TableDetail = Json<'/v1/tables/{name}'>;
export type TableHistory = Json<'/v1/tables/{name}/history'>;
export type TableFiles = Json<'/v1/tables/{name}/files'>;
export type TableDiff = Json<'/v1/tables/{name}/diff'>;
export type TableSkipping = Json<'/v1/tables/{name}/skipping'>;
export type Row = Record<string, unknown>;

const path = (name: string) => ({ path: { name } });

export function useCatalog() {
  return useQuery({ queryKey: ['catalog'], queryFn: () => call(api.GET('/v1/catalog')) });
}

export function useTableDetail(name: string) {
  return useQuery({
    queryKey: ['table', name],
    queryFn: () => call(api.GET('/v1/tables/{name}', { params: path(name) })),
    retry: false,
  });
}

export function useHistory(name: string) {
  return useQuery({
    queryKey: ['table', name, 'history'],
    queryFn: () => call(api.GET('/v1/tables/{name}/history', { params: { ...path(name), query: { limit: 1000 } } })),
  });
}

export function useFiles(name: string, version: number | null, offset: number, limit: number) {
  return useQuery({
    queryKey: ['table', name, 'files', version, offset, limit],
    queryFn: () =>
      call(
        api.GET('/v1/tables/{name}/files', {
          params: { ...path(name), query: { offset, limit, ...(version === null ? {} : { version }) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Rows at a version: the rows route answers JSON without a typed schema (its format is negotiated). */
export function useRowsAt(name: string, version: number | null, limit: number, orderBy: string | null) {
  return useQuery({
    queryKey: ['table', name, 'rows', version, limit, orderBy],
    enabled: version !== null,
    queryFn: async () => {
      const search = new URLSearchParams({ limit: String(limit), at_version: String(version) });
      if (orderBy !== null) search.set('order', `${orderBy}.asc`);
      const response = await apiFetch(`/v1/tables/${encodeURIComponent(name)}/rows?${search}`, {
        headers: { accept: 'application/json' },
      });
      return (await response.json()) as Row[];
    },
    placeholderData: keepPreviousData,
  });
}

export function useDiff(name: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: ['table', name, 'diff', from, to],
    enabled: from !== null && to !== null && from < to,
    queryFn: () =>
      call(
        api.GET('/v1/tables/{name}/diff', {
          params: { ...path(name), query: { from: from!, to: to!, limit: 500 } },
        }),
      ),
  });
}

export function useSkipping(name: string, where: string | null, version: number | null) {
  return useQuery({
    queryKey: ['table', name, 'skipping', where, version],
    enabled: where !== null && where.trim() !== '',
    queryFn: () =>
      call(
        api.GET('/v1/tables/{name}/skipping', {
          params: { ...path(name), query: { where: where!, ...(version === null ? {} : { version }) } },
        }),
      ),
  });
}
