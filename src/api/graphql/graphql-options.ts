/** How the GraphQL endpoint protects itself and what it exposes. */
export interface GraphqlOptions {
  /** Schema introspection (`__schema`, `__type`); default true. `_service { sdl }` stays on for federation gateways. */
  readonly introspection?: boolean;
  /** Persisted operations by id (the sha256 hash clients send in `extensions.persistedQuery.sha256Hash`). */
  readonly persistedOperations?: Readonly<Record<string, string>>;
  /** Refuse every operation that is not persisted (PERSISTED_QUERY_ONLY). */
  readonly persistedOnly?: boolean;
  /** Deepest selection nesting; default 10. */
  readonly maxDepth?: number;
  /** Largest estimated cost (graphql-armor's cost model); default 5000. */
  readonly maxCost?: number;
  /** Most aliases in one operation; default 15. */
  readonly maxAliases?: number;
  /** Most tokens in one document; default 2000. */
  readonly maxTokens?: number;
  /** Most directives in one operation; default 50. */
  readonly maxDirectives?: number;
  /** Operations per token per minute (HTTP, WebSocket and SSE together); unset: unlimited. */
  readonly rateLimitPerMinute?: number;
  /**
   * How long a principal's generated schema is reused before the catalog and table
   * schemas are checked again, ms; default 1000. A schema change shows within this.
   */
  readonly schemaRefreshMs?: number;
}

export const GRAPHQL_DEFAULTS = {
  maxDepth: 10,
  maxCost: 5000,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 50,
  schemaRefreshMs: 1000,
} as const;

/** The table property naming a table's key columns (comma separated) and making it a federation entity. */
export const GRAPHQL_KEY_PROPERTY = 'strata.graphql.key';
