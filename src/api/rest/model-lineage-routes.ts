/**
 * Lineage over REST: a version's training data (`GET /v1/models/{name}/versions/{v}/lineage`)
 * and the versions trained on a table (`GET /v1/lineage/models?table=`). Grants apply:
 * sources the principal cannot read are left out of a version's lineage, and asking
 * about a table it cannot read is a 404, as for any table it cannot see.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { trainingSetLineage, type RecordedLineage, type RunLineage } from '../../models/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { modelTags, versionParams, writer, type ModelRoutesHandle } from './model-route-params.js';
import { RECORD_LINEAGE_BODY, RECORDED_LINEAGE, TRAINED_ON, VERSION_LINEAGE } from './model-schemas.js';

interface RecordBody {
  readonly trainingSet?: string;
  readonly trainingSetVersion?: number;
  readonly sources?: readonly { readonly table: string; readonly version: number; readonly view?: string }[];
  readonly definitions?: RunLineage['definitions'];
  readonly featureService?: string;
  readonly flowRun?: { readonly runId: string; readonly taskId: string };
  readonly codeVersion?: string;
}

export function registerModelLineageRoutes(app: FastifyInstance, ctx: ApiContext, { stores }: ModelRoutesHandle): void {
  app.get<{ Params: { name: string; version: number } }>(
    '/v1/models/:name/versions/:version/lineage',
    {
      schema: {
        tags: modelTags,
        summary: "A model version's training data: training set, Delta versions of its sources, definitions, flow run",
        params: versionParams,
        response: { 200: VERSION_LINEAGE },
      },
    },
    async (request) => {
      const found = await stores.lineage.forVersion(request.params.name, request.params.version);
      return { ...found, lineage: found.lineage && (await visibleLineage(ctx, request, found.lineage)) };
    },
  );

  app.put<{ Params: { runId: string }; Body: RecordBody }>(
    '/v1/lineage/runs/:runId',
    {
      schema: {
        tags: modelTags,
        summary: 'Record what a run trained on: a training set table (its manifest gives the rest) or explicit sources',
        params: { type: 'object', required: ['runId'], properties: { runId: { type: 'string', minLength: 1 } } },
        body: RECORD_LINEAGE_BODY,
        response: { 200: { ...RECORDED_LINEAGE, type: 'object' } },
      },
    },
    async (request) => {
      writer(request, `Recording the lineage of run ${request.params.runId}`);
      const body = request.body;
      const principal = principalOf(request);
      const context = {
        ...(body.flowRun === undefined ? {} : { flowRun: body.flowRun }),
        ...(body.codeVersion === undefined ? {} : { codeVersion: body.codeVersion }),
      };
      let lineage: RunLineage;
      if (body.trainingSet !== undefined) {
        await ctx.tables.access(principal, body.trainingSet, 'read');
        lineage = await trainingSetLineage(ctx.catalog, body.trainingSet, {
          ...context,
          ...(body.trainingSetVersion === undefined ? {} : { version: body.trainingSetVersion }),
        });
      } else {
        const sources = [];
        for (const source of body.sources ?? []) {
          const { table } = await ctx.tables.access(principal, source.table, 'read');
          sources.push({ ...source, table: table.name, location: table.location });
        }
        lineage = {
          definitions: body.definitions ?? [],
          sources,
          ...(body.featureService === undefined ? {} : { featureService: body.featureService }),
          ...context,
        };
      }
      return stores.lineage.record(request.params.runId, lineage);
    },
  );

  app.get<{ Querystring: { table: string } }>(
    '/v1/lineage/models',
    {
      schema: {
        tags: modelTags,
        summary: 'The model versions trained on a table (as a source of their training set, or as the set itself)',
        querystring: {
          type: 'object',
          required: ['table'],
          additionalProperties: false,
          properties: { table: { type: 'string', minLength: 1 } },
        },
        response: { 200: TRAINED_ON },
      },
    },
    async (request) => {
      const { table } = await ctx.tables.access(principalOf(request), request.query.table, 'read');
      return { table: table.name, versions: await stores.lineage.versionsTrainedOn(table.name, table.location) };
    },
  );
}

/** The lineage without the tables the principal cannot see. */
async function visibleLineage(
  ctx: ApiContext,
  request: FastifyRequest,
  lineage: RecordedLineage,
): Promise<RecordedLineage> {
  const visible = await ctx.tables.visible(principalOf(request));
  const names = new Set(visible.flatMap((t) => [t.name, t.location, `${t.schema}.${t.table}`, t.table]));
  const { trainingSet, ...rest } = lineage;
  return {
    ...rest,
    ...(trainingSet !== undefined && names.has(trainingSet.table) ? { trainingSet } : {}),
    sources: lineage.sources.filter((s) => names.has(s.location)),
  };
}
