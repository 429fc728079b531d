/**
 * The API server's command-line options, shared by `strata serve` and `strata up`,
 * and starting the server from them. The API module (Fastify, GraphQL) is imported
 * only when a server starts, so other commands do not pay for loading it.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ApiServer, ApiServerOptions } from '../api/index.js';
import { InvalidArgumentError, type Logger } from '../core/index.js';
import type { Catalog } from '../catalog/index.js';
import type { FlowControl } from '../flows/index.js';
import { nonNegativeInteger, positiveInteger } from './option-parsers.js';

export interface ApiCliOptions {
  readonly host: string;
  readonly port?: number;
  readonly http1?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly insecureLocal?: boolean;
  readonly maxRows?: number;
  readonly queryTimeoutMs?: number;
  readonly cacheControl?: string;
  readonly persistedOnly?: boolean;
  readonly introspection?: boolean;
}

export function addApiOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (default 8484; 0: any free port)', nonNegativeInteger)
    .option('--http1', 'HTTP/1.1 only (default: HTTP/1.1 and cleartext HTTP/2 on the same port)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS with HTTP/2 (and HTTP/1.1 by ALPN)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--insecure-local', 'serve requests without a token as admin (only on a loopback address)')
    .option('--max-rows <n>', 'most rows one query returns', positiveInteger)
    .option('--query-timeout-ms <n>', 'interrupt queries running longer', positiveInteger)
    .option(
      '--cache-control <value>',
      'Cache-Control of cacheable responses (default "private, no-cache": revalidate by ETag)',
    )
    .option('--persisted-only', 'GraphQL: run only persisted operations')
    .option('--no-introspection', 'GraphQL: refuse introspection queries');
}

export async function startApi(
  catalog: Catalog,
  flows: FlowControl | undefined,
  options: ApiCliOptions,
  logger: Logger,
): Promise<ApiServer> {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new InvalidArgumentError('--tls-cert and --tls-key go together: give both (PEM files) or neither.');
  }
  const serverOptions: ApiServerOptions = {
    catalog,
    ...(flows === undefined ? {} : { flows }),
    host: options.host,
    ...(options.port === undefined ? {} : { port: options.port }),
    protocol: options.http1 ? 'http1' : 'h2c',
    ...(options.tlsCert && options.tlsKey
      ? { tls: { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } }
      : {}),
    insecureLocal: options.insecureLocal ?? false,
    limits: {
      ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
      ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
    },
    ...(options.cacheControl === undefined ? {} : { cacheControl: options.cacheControl }),
    graphql: { persistedOnly: options.persistedOnly ?? false, introspection: options.introspection ?? true },
    logger,
  };
  const { ApiServer } = await import('../api/index.js');
  return ApiServer.start(serverOptions);
}

export function apiAnnouncement(server: ApiServer, insecureLocal: boolean): string {
  const auth = insecureLocal
    ? 'no token needed (--insecure-local)'
    : 'send Authorization: Bearer <token> (strata token create)';
  return `API on ${server.url} (${server.protocols}; ${auth}): REST /v1, GraphQL /graphql, streams /v1/streams, OpenAPI /openapi.json`;
}
