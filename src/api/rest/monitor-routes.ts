/**
 * `GET /v1/monitors` and `GET /v1/monitors/{name}/results`: the monitors that have run in
 * the warehouse and what they found. Under grants: a monitor's statistics describe every
 * row and column of the tables it reads, so a principal sees it only when its grant
 * leaves each of them whole; otherwise the monitor is absent (404 by name), as a table
 * it cannot read is.
 */
import type { FastifyInstance } from 'fastify';
import { isStrataError } from '../../core/index.js';
import {
  listMonitorManifests,
  ModelNotFoundError,
  readMonitorTable,
  type MonitorManifest,
} from '../../models/index.js';
import type { ApiContext } from '../api-context.js';
import type { Principal } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { MONITOR_LIST, MONITOR_RESULTS, MONITOR_TAGS } from './monitor-schemas.js';

async function visible(ctx: ApiContext, principal: Principal, manifest: MonitorManifest): Promise<boolean> {
  for (const table of manifest.tables) {
    try {
      const access = await ctx.tables.access(principal, table, 'read');
      if (access.columns !== null || access.rowFilter !== null) return false;
    } catch (error) {
      if (isStrataError(error) && error.category === 'not_found') return false;
      throw error;
    }
  }
  return true;
}

const time = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

export function registerMonitorRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const warehouse = () => ctx.catalog.warehouse.directory;

  app.get(
    '/v1/monitors',
    {
      schema: {
        tags: MONITOR_TAGS,
        summary: 'The monitors that have run, with their last run, that this token can see',
        response: { 200: MONITOR_LIST },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const monitors = [];
      for (const m of await listMonitorManifests(warehouse())) {
        if (!(await visible(ctx, principal, m))) continue;
        const rows = await readMonitorTable(warehouse(), m.name, 'results');
        const last = rows.length === 0 ? undefined : time(rows[rows.length - 1]!.run_at);
        const lastRun = rows.filter((r) => time(r.run_at) === last);
        monitors.push({
          name: m.name,
          model: m.model,
          tables: m.tables,
          features: m.features,
          lastRunAt: last ?? null,
          lastBreach: last === undefined ? null : lastRun.some((r) => r.breach === true),
        });
      }
      return { monitors };
    },
  );

  app.get<{ Params: { name: string }; Querystring: { limit?: number } }>(
    '/v1/monitors/:name/results',
    {
      schema: {
        tags: MONITOR_TAGS,
        summary: "A monitor's results (one row per run, feature and statistic; newest last) and alerts",
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } } },
        response: { 200: MONITOR_RESULTS },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { name } = request.params;
      const manifest = (await listMonitorManifests(warehouse())).find((m) => m.name === name);
      if (manifest === undefined || !(await visible(ctx, principal, manifest)))
        throw new ModelNotFoundError(`Monitor ${name} not found.`, { monitor: name });
      const limit = request.query.limit ?? 1000;
      const results = (await readMonitorTable(warehouse(), name, 'results')).slice(-limit);
      const alerts = (await readMonitorTable(warehouse(), name, 'alerts')).slice(-limit);
      return {
        monitor: name,
        model: manifest.model,
        results: results.map((r) => ({
          runId: String(r.run_id),
          runAt: time(r.run_at),
          kind: r.kind,
          feature: r.feature,
          statistic: r.statistic,
          value: Number(r.value),
          threshold: Number(r.threshold),
          direction: r.direction,
          referenceSize: Number(r.reference_size),
          currentSize: Number(r.current_size),
          breach: r.breach === true,
        })),
        alerts: alerts.map((a) => ({
          runId: String(a.run_id),
          alertedAt: time(a.alerted_at),
          summary: String(a.summary),
          evidence: JSON.parse(String(a.evidence)) as unknown,
          delivered: a.delivered === true,
          attempts: Number(a.attempts),
          retrainFlow: a.retrain_flow === '' || a.retrain_flow == null ? null : String(a.retrain_flow),
        })),
      };
    },
  );
}
