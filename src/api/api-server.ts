/**
 * The HTTP server (`strata serve`, `strata up`): Fastify with REST, GraphQL and
 * streams over one ApiContext. Guarantees: every request is authenticated before a
 * handler runs (or is the local admin of an explicit `--insecure-local` loopback
 * server); every error leaves as `{code, message, details}` with the status
 * error-mapping.ts gives it; close() stops accepting, ends streams and releases the
 * query sandbox.
 */
import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import fastifyCompress from '@fastify/compress';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { InvalidArgumentError, STRATA_VERSION, createLogger, redactQuerySecrets, type Logger } from '../core/index.js';
import { TableLookup } from '../catalog/index.js';
import type { ApiContext } from './api-context.js';
import { DEFAULT_LIMITS, DEFAULT_PORT, type ApiServerOptions } from './api-server-options.js';
import { registerAuthHook } from './auth/auth-hook.js';
import { AUTH_MIGRATIONS } from './auth/migrations/auth-migrations.js';
import { Authenticator } from './auth/authenticator.js';
import { CatalogTableAccess } from './auth/table-access.js';
import { BODY_ENCODINGS, BROTLI_OPTIONS, COMPRESS_THRESHOLD } from './cache/body-encodings.js';
import { ResponseCache } from './cache/response-cache.js';
import { NotFoundError } from './errors.js';
import { toHttpError } from './error-mapping.js';
import { registerGraphql, type GraphqlHandle } from './graphql/graphql-routes.js';
import { registerMlflowRoutes } from './mlflow/mlflow-routes.js';
import { registerModelRoutes } from './rest/model-routes.js';
import { registerMonitorRoutes } from './rest/monitor-routes.js';
import { registerModelTrafficRoutes } from './rest/model-traffic-routes.js';
import { ApiMetrics } from './observability/metrics.js';
import { registerRequestLog } from './observability/request-log.js';
import { registerSystemRoutes } from './observability/system-routes.js';
import { acceptHttp1 } from './protocol-sniffing.js';
import { registerConsoleRoutes, type ConsoleHandle } from './console/console-routes.js';
import { registerAdminRoutes } from './rest/admin-routes.js';
import { registerCommitsRoutes } from './rest/commits-routes.js';
import { registerFeatureRoutes } from './rest/feature-routes.js';
import { featureServerHandle } from './rest/feature-server-handle.js';
import { registerFlowConsoleRoutes } from './rest/flow-console-routes.js';
import { registerFlowRoutes } from './rest/flow-routes.js';
import { registerRunManageRoutes } from './rest/run-manage-routes.js';
import { registerSessionRoutes } from './rest/session-routes.js';
import { registerSqlRoutes } from './rest/sql-routes.js';
import { registerTableRoutes } from './rest/tables-routes.js';
import { SQL_MIGRATIONS } from './sql/migrations/sql-migrations.js';
import { SandboxedQueryService } from '../engine/index.js';
import { EventHub } from './streams/event-hub.js';
import { registerLogFollowRoute } from './streams/log-follow-route.js';
import { registerStreamRoutes } from './streams/stream-routes.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class ApiServer {
  #closing: Promise<void> | undefined;

  private constructor(
    readonly app: FastifyInstance,
    readonly context: ApiContext,
    readonly authenticator: Authenticator,
    readonly url: string,
    private readonly graphql: GraphqlHandle,
    private readonly http1: HttpServer | undefined,
    /** Whether the web console's files were found (ui/dist, built by `npm run build`). */
    readonly consoleBuilt: boolean,
  ) {}

  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const host = options.host ?? '127.0.0.1';
    if (options.insecureLocal && !LOOPBACK.has(host)) {
      throw new InvalidArgumentError(
        `--insecure-local serves every request as admin, so it is refused on ${host}: bind to 127.0.0.1 or create tokens (\`strata token create\`).`,
        { host },
      );
    }
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const metrics = new ApiMetrics();
    // Tokens and query history live in the API's own tables: make sure they exist in this warehouse's database.
    await options.catalog.meta.migrate([AUTH_MIGRATIONS, SQL_MIGRATIONS]);
    const authenticator = new Authenticator(options.catalog.meta, {
      insecureLocal: options.insecureLocal ?? false,
      ...(options.tokenCacheMs === undefined ? {} : { cacheMs: options.tokenCacheMs }),
    });
    // One memo of table lookups for access checks and SQL, so DDL through /v1/sql invalidates both.
    const lookup = new TableLookup(
      options.catalog,
      options.tableCacheMs === undefined ? {} : { ttlMs: options.tableCacheMs },
    );
    const context: ApiContext = {
      catalog: options.catalog,
      limits,
      tables: new CatalogTableAccess(options.catalog, lookup),
      queries: new SandboxedQueryService({ catalog: options.catalog, limits, lookup }),
      cache: new ResponseCache(options.cacheBytes ?? 64 * 1024 * 1024),
      events: EventHub.open({
        catalog: options.catalog,
        flows: options.flows,
        metrics,
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      }),
      flows: options.flows,
      metrics,
      cacheControl: options.cacheControl ?? 'private, no-cache',
      features: featureServerHandle(options.catalog, options.features),
    };
    const app = createFastify(options, limits.bodyBytes);
    let graphql: GraphqlHandle | undefined;
    let http1: HttpServer | undefined;
    let webConsole: ConsoleHandle | undefined;
    try {
      // The same settings as cached bodies' stored compressed forms (body-encodings.ts).
      await app.register(fastifyCompress, {
        encodings: [...BODY_ENCODINGS],
        threshold: COMPRESS_THRESHOLD,
        brotliOptions: BROTLI_OPTIONS,
      });
      await app.register(fastifySwagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: 'Strata API',
            version: STRATA_VERSION,
            description: 'Tables, SQL, flows and live streams of a Strata warehouse.',
          },
          components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
          security: [{ bearer: [] }],
        },
      });
      webConsole = registerConsoleRoutes(app, options.consoleDir);
      installErrorHandling(app, webConsole);
      registerRequestLog(
        app,
        options.requestLog === undefined
          ? { logger: app.log as unknown as Logger, level: 'debug' }
          : { logger: options.requestLog, level: 'info' },
      );
      registerAuthHook(app, authenticator);
      app.addHook('onResponse', async (request, reply) => {
        metrics.request(
          request.method,
          request.routeOptions.url ?? 'unmatched',
          reply.statusCode,
          reply.elapsedTime / 1000,
        );
      });
      registerSystemRoutes(app, context);
      registerTableRoutes(app, context);
      registerCommitsRoutes(app, context);
      registerSqlRoutes(app, context);
      registerFlowRoutes(app, context);
      registerFlowConsoleRoutes(app, context);
      registerRunManageRoutes(app, context);
      registerAdminRoutes(app, context, authenticator);
      registerSessionRoutes(app, authenticator);
      registerStreamRoutes(app, context);
      registerLogFollowRoute(app, context);
      registerMlflowRoutes(app, context);
      registerFeatureRoutes(app, context);
      registerModelRoutes(app, context, options.models ?? {});
      registerMonitorRoutes(app, context);
      registerModelTrafficRoutes(app, context);
      graphql = await registerGraphql(app, context, options.graphql ?? {}, (authorization) =>
        authenticator.authenticate(authorization),
      );
      await app.ready();
      if (options.protocol !== 'http1' && options.tls === undefined)
        http1 = acceptHttp1(app.server as unknown as Http2Server);
      await app.listen({ host, port: options.port ?? DEFAULT_PORT });
    } catch (error) {
      await graphql?.close();
      await app.close().catch(() => undefined);
      context.events.close();
      await context.queries.close();
      await context.features?.close();
      throw error;
    }
    const address = app.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`;
    return new ApiServer(app, context, authenticator, url, graphql, http1, webConsole.built);
  }

  /** Which protocols the port speaks, for the startup line. */
  get protocols(): string {
    return this.http1 !== undefined
      ? 'HTTP/1.1 + h2c'
      : this.url.startsWith('https')
        ? 'HTTP/2 + HTTP/1.1 (TLS)'
        : 'HTTP/1.1';
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.context.events.close();
      await this.graphql.close();
      this.http1?.closeAllConnections();
      await this.app.close();
      await this.context.queries.close();
      await this.context.features?.close();
    })();
    return this.#closing;
  }
}

function createFastify(options: ApiServerOptions, bodyLimit: number): FastifyInstance {
  const common = {
    bodyLimit,
    // One record per request, by observability/request-log.ts, at debug unless a request log is given.
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: requestLogger(
      options.logger ?? createLogger({ level: options.logLevel ?? 'info' }),
    ) as FastifyBaseLogger,
    // Streams and long queries must not be cut by a server-wide timeout; the query service has its own limit.
    requestTimeout: 0,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 500 },
    // Schemas may say `type: ['string', 'null']`; unknown fields are refused (400), not silently dropped.
    ajv: { customOptions: { allowUnionTypes: true, removeAdditional: false } },
  };
  // The route modules are typed against Fastify's default (HTTP/1.1) instance; the
  // HTTP/2 instances have the same API at run time.
  if (options.tls)
    return Fastify({
      ...common,
      http2: true,
      https: { allowHTTP1: true, cert: options.tls.cert, key: options.tls.key },
    }) as unknown as FastifyInstance;
  if (options.protocol === 'http1') return Fastify(common);
  return Fastify({ ...common, http2: true }) as unknown as FastifyInstance;
}

/**
 * The logger requests log through: Fastify's request record, but with secret query
 * parameters (`?access_token=` from EventSource and WebSocket clients) redacted.
 */
function requestLogger(logger: Logger): Logger {
  return logger.child(
    {},
    {
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactQuerySecrets(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
  );
}

function installErrorHandling(app: FastifyInstance, webConsole: ConsoleHandle): void {
  app.setErrorHandler((error, request, reply) => {
    const http = toHttpError(error);
    if (http.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(http.status).headers(http.headers).send(http.body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (await webConsole.fallback(request, reply)) return reply;
    const http = toHttpError(
      new NotFoundError(`No route ${request.method} ${request.url.split('?')[0]}; see /openapi.json for the routes.`, {
        method: request.method,
      }),
    );
    return reply.code(http.status).send(http.body);
  });
}
