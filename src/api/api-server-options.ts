/** What `strata serve` / `strata up` / ApiServer.start can be told. */
import type { Logger, LogLevel } from '../core/index.js';
import type { Catalog } from '../catalog/index.js';
import type { FeatureServer } from '../features/index.js';
import type { FlowControl } from '../flows/index.js';
import type { ApiLimits } from './api-context.js';
import type { GraphqlOptions } from './graphql/graphql-options.js';
import type { PredictionLogOptions } from '../models/index.js';
import { DEFAULT_QUERY_RESOURCE_LIMITS } from '../engine/index.js';

export interface TlsOptions {
  /** PEM certificate chain and private key (contents, not paths). */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface ApiServerOptions {
  /** The warehouse's catalog; the server uses its metadata database for tokens and grants. */
  readonly catalog: Catalog;
  /** The orchestrator's operations for `/v1/flows` and run events; without it those routes answer 404. */
  readonly flows?: FlowControl;
  /**
   * Serves `/v1/features/online`, `/get-online-features` and `/v1/features/push`; default: one
   * opened over the warehouse (applied definitions, its configured online store) on first use.
   * A given server stays open when the API server closes.
   */
  readonly features?: FeatureServer;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8484; 0 picks a free port. */
  readonly port?: number;
  /**
   * `http1`: HTTP/1.1 only. `h2c` (default): HTTP/2 without TLS (prior knowledge) and
   * HTTP/1.1 on the same port. With `tls`, HTTP/2 and HTTP/1.1 by ALPN.
   */
  readonly protocol?: 'http1' | 'h2c';
  readonly tls?: TlsOptions;
  /** Serve requests without a token as the local admin. Refused unless `host` is a loopback address. */
  readonly insecureLocal?: boolean;
  readonly limits?: Partial<ApiLimits>;
  /** The in-process result cache's size; default 64 MiB. */
  readonly cacheBytes?: number;
  /** Sent with cacheable responses; default `private, no-cache` (clients revalidate with the ETag every time). */
  readonly cacheControl?: string;
  readonly graphql?: GraphqlOptions;
  /** The process's logger (core); default: one writing JSON to stderr at `logLevel`. */
  readonly logger?: Logger;
  /** The level of the logger made when no `logger` is given; default `info` (request records are at `debug`), `silent` for none. */
  readonly logLevel?: LogLevel;
  /**
   * Where the record of each finished request goes, at info level (e.g. a file:
   * `--request-log`); default: the process logger at debug level.
   */
  readonly requestLog?: Logger;
  /** How long a verified token is trusted without a lookup (default 5 s). */
  readonly tokenCacheMs?: number;
  /**
   * How long a table lookup (name → location) is trusted without asking the metadata
   * database (default 1 s): another process's drop or re-create is seen within it; DDL
   * through this server is seen at once.
   */
  readonly tableCacheMs?: number;
  /** The web console's built files; default: ui/dist of this package (see console/console-files.ts). */
  readonly consoleDir?: string;
  /** How often stream sources poll for new commits and run states; default 250 ms. */
  readonly pollMs?: number;
  /** Model serving (`/v1/models`): the prediction log. */
  readonly models?: ModelRouteOptions;
}

export interface ModelRouteOptions {
  /**
   * The prediction log's Delta table (default `<warehouse>/models/prediction_log`) and
   * batching (default 1,000 rows or 1 s); `false`: no log.
   */
  readonly predictionLog?: (Omit<PredictionLogOptions, 'onError'> & { readonly location?: string }) | false;
}

export const DEFAULT_PORT = 8484;

export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytes: 64 * 1024 * 1024,
  maxRows: 100_000,
  queryTimeoutMs: 30_000,
  defaultPageSize: 1_000,
  ...DEFAULT_QUERY_RESOURCE_LIMITS,
};
