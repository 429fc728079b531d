/**
 * What every route works with: one ApiContext per server, built by server.ts from the
 * options and the open warehouse. Route modules (rest/, graphql/, streams/) take it and
 * register their routes; none opens anything itself.
 */
import type { Catalog, CatalogTable } from '../catalog/index.js';
import type { FlowControl } from '../flows/index.js';
import type { Principal } from '../catalog/index.js';
import type { FeatureServerHandle } from './rest/feature-server-handle.js';
import type { ResponseCache } from './cache/response-cache.js';
import type { QueryResourceLimits } from '../engine/index.js';
import type { QueryService } from '../engine/index.js';
import type { EventHub } from './streams/event-hub.js';
import type { ApiMetrics } from './observability/metrics.js';

/** Also the queries' resource limits (memory, threads, value and result sizes: query-resource-limits.ts). */
export interface ApiLimits extends QueryResourceLimits {
  /** Largest request body, bytes (413 above). */
  readonly bodyBytes: number;
  /** Most rows a query returns before it is cut (the response says it was). */
  readonly maxRows: number;
  /** A query running longer is interrupted (408). */
  readonly queryTimeoutMs: number;
  /** Default page size of `/rows` when `limit` is not given. */
  readonly defaultPageSize: number;
}

/** The row access a principal has to one table (see TableGrant). */
export interface TableAccess {
  readonly table: CatalogTable;
  /** Visible (and writable) columns; null: all. */
  readonly columns: readonly string[] | null;
  /** Only rows matching this SQL predicate are visible/changeable; null: all. */
  readonly rowFilter: string | null;
}

export interface TableAccessControl {
  /**
   * The table as the principal may use it. TableNotFoundError (404) when it does not
   * exist or is not granted (a reader cannot tell which), ForbiddenError (403) when a
   * write is asked of a reader.
   */
  access(principal: Principal, name: string, mode: 'read' | 'write'): Promise<TableAccess>;
  /** The tables the principal can see. */
  visible(principal: Principal): Promise<CatalogTable[]>;
}

export interface ApiContext {
  readonly catalog: Catalog;
  readonly limits: ApiLimits;
  readonly tables: TableAccessControl;
  readonly queries: QueryService;
  readonly cache: ResponseCache;
  readonly events: EventHub;
  /** The orchestrator's operations; undefined when the server runs without flows. */
  readonly flows: FlowControl | undefined;
  readonly metrics: ApiMetrics;
  /** Online feature serving (REST and GraphQL); absent: the routes open one over the warehouse on first use. */
  readonly features?: FeatureServerHandle;
  /** `Cache-Control` sent with cacheable GET responses. */
  readonly cacheControl: string;
}
