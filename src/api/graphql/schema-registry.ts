/**
 * Which schema a principal gets. The table models are re-read at most once per
 * `schemaRefreshMs` per visibility (role + grants), and schemas are cached by the
 * models' fingerprint: a request costs a map lookup, a new column or table shows up
 * within the refresh interval, and principals that see the same tables share a schema.
 */
import type { GraphQLSchema } from 'graphql';
import { Cache } from '../../core/index.js';
import type { ApiContext } from '../api-context.js';
import { hasRole, visibilityKey, type Principal } from '../../catalog/index.js';
import { buildGraphqlSchema } from './schema-builder.js';
import { loadTableModels, modelsFingerprint, type TableSchemaInfo } from './table-models.js';

const MAX_SCHEMAS = 64;

export class SchemaRegistry {
  readonly #tableInfo: Cache<string, Promise<TableSchemaInfo>>;
  readonly #byVisibility: Cache<string, Promise<GraphQLSchema>>;
  readonly #schemas = new Map<string, GraphQLSchema>();

  constructor(
    private readonly ctx: ApiContext,
    refreshMs: number,
  ) {
    this.#tableInfo = new Cache({ maxEntries: 10_000, ttlMs: refreshMs });
    this.#byVisibility = new Cache({ maxEntries: 1000, ttlMs: refreshMs });
  }

  schemaFor(principal: Principal): Promise<GraphQLSchema> {
    const canWrite = hasRole(principal, 'writer');
    return this.#byVisibility.getOrSet(`${principal.role}|${visibilityKey(principal)}`, async () => {
      const models = await loadTableModels(this.ctx, principal, this.#tableInfo);
      const fingerprint = modelsFingerprint(models, canWrite, this.ctx.flows !== undefined);
      let schema = this.#schemas.get(fingerprint);
      if (schema === undefined) {
        schema = buildGraphqlSchema(this.ctx, models, canWrite);
        if (this.#schemas.size >= MAX_SCHEMAS) this.#schemas.delete(this.#schemas.keys().next().value!);
        this.#schemas.set(fingerprint, schema);
      }
      return schema;
    });
  }

  /** Forgets memoized table schemas, so the next request re-reads them (after DDL this process ran). */
  invalidate(): void {
    this.#tableInfo.clear();
    this.#byVisibility.clear();
  }
}
