/**
 * `POST /v1/features/push`: rows of a feature view to the online store, to the view's
 * source table (one Delta append, through the same staging and grant checks as
 * `POST /v1/tables/{name}/rows`), or both. Both: the table first, so a failed online
 * write leaves the rows where the next materialization picks them up. Needs the writer
 * role and, under grants, write access to the source table and its columns.
 */
import type { FastifyInstance } from 'fastify';
import { joinKeysOf, pushOnline, pushedView, PushError, stampedRows, type PushRow } from '../../features/index.js';
import { DeltaTable, fromSql } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { stageRows } from './body-staging.js';
import { checkViewAccess } from './feature-access.js';
import type { FeatureServer } from '../../features/index.js';
import { FEATURE_TAGS, PUSH_BODY, PUSH_RESULT } from './feature-schemas.js';
import { tableColumns } from './tables-source.js';

interface PushRequest {
  readonly view: string;
  readonly rows: readonly PushRow[];
  readonly to?: 'online' | 'offline' | 'both';
}

export function registerFeaturePushRoute(
  app: FastifyInstance,
  ctx: ApiContext,
  server: () => FeatureServer | Promise<FeatureServer>,
): void {
  app.post<{ Body: PushRequest }>(
    '/v1/features/push',
    {
      bodyLimit: ctx.limits.bodyBytes,
      schema: {
        tags: FEATURE_TAGS,
        summary: 'Push rows of a feature view to the online store, its source table, or both',
        body: PUSH_BODY,
        response: { 200: PUSH_RESULT },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      requireRole(principal, 'writer', 'Pushing features');
      const to = request.body.to ?? 'online';
      const features = await server();
      const set = features.definitions;
      const view = pushedView(set, request.body.view);
      const columns = [...new Set(request.body.rows.flatMap((row) => Object.keys(row)))];
      const keys = joinKeysOf(set, view).map(([k]) => k);
      await checkViewAccess(
        ctx,
        principal,
        [{ view: view.name, source: view.source, joinKeys: keys, features: columns.filter((c) => !keys.includes(c)) }],
        'write',
      );
      const rows = stampedRows(view, request.body.rows, Date.now());
      let offline: { table: string; version: number } | undefined;
      if (to !== 'online') {
        if (view.source.kind !== 'table')
          throw new PushError(
            `Feature view ${view.name} reads SQL, not one table: push its rows to the tables the SQL reads, or push to=online.`,
            { view: view.name },
          );
        const access = await ctx.tables.access(principal, view.source.table, 'write');
        const table = await DeltaTable.open(access.table.location);
        const staged = await stageRows(
          { kind: 'rows', rows },
          { columns: tableColumns(table.snapshot.schema), writable: access.columns, rowFilter: access.rowFilter },
        );
        try {
          const result = await table.append(fromSql(staged.sql));
          ctx.events.tableCommitted(access.table.name);
          offline = { table: access.table.name, version: result.version };
        } finally {
          await staged.release();
        }
      }
      const online = to === 'offline' ? undefined : await pushOnline(features.store, set, view, rows);
      return {
        view: view.name,
        to,
        rows: rows.length,
        ...(online ? { online: { written: online.written, skipped: online.skipped } } : {}),
        ...(offline ? { offline } : {}),
      };
    },
  );
}
