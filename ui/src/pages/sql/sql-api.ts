/**
 * The SQL page's server calls, through the typed client (types generated from the
 * routes' own schemas): run with an id the page can cancel by, cancel, EXPLAIN,
 * history and the catalog for completion. Exports are plain links (GET, the session
 * cookie) so the browser saves the file itself.
 */
import { api, call, type Json } from '../../api/client';

export type SqlResult = Json<'/v1/sql', 'post'>;
export type ExplainResult = Json<'/v1/sql/explain', 'post'>;
export type HistoryResult = Json<'/v1/sql/history'>;
export type HistoryEntry = HistoryResult['entries'][number];
export type SqlCatalog = Json<'/v1/sql/catalog'>;

export const QUERY_ID_HEADER = 'x-strata-query-id';

export function runSql(sql: string, id: string): Promise<SqlResult> {
  return call(api.POST('/v1/sql', { body: { sql }, headers: { [QUERY_ID_HEADER]: id } }));
}

export function cancelSql(id: string): Promise<unknown> {
  return call(api.DELETE('/v1/sql/queries/{id}', { params: { path: { id } } }));
}

export function explainSql(sql: string): Promise<ExplainResult> {
  return call(api.POST('/v1/sql/explain', { body: { sql } }));
}

export function sqlHistory(): Promise<HistoryResult> {
  return call(api.GET('/v1/sql/history', { params: { query: { limit: 50 } } }));
}

export function sqlCatalog(): Promise<SqlCatalog> {
  return call(api.GET('/v1/sql/catalog'));
}

/** The download link of a query's result. */
export function exportHref(sql: string, format: 'csv' | 'parquet'): string {
  return `/v1/sql/export?${new URLSearchParams({ format, sql }).toString()}`;
}
