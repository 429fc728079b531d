/**
 * The API server's command-line options, shared by `strata serve` and `strata up`,
 * and starting the server from them. The API module (Fastify, GraphQL) is imported
 * only when a server starts, so other commands do not pay for loading it.
 */
import { createWriteStream, openSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ApiLimits, ApiServer, ApiServerOptions } from '../api/index.js';
import { InvalidArgumentError, createLogger, type Logger } from '../core/index.js';
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
  readonly queryMemoryMb?: number;
  readonly querySpillMb?: number;
  readonly queryThreads?: number;
  readonly maxValueMb?: number;
  readonly maxResultMb?: number;
  readonly resultMemoryMb?: number;
  readonly cacheControl?: string;
  readonly persistedOnly?: boolean;
  readonly introspection?: boolean;
  readonly requestLog?: string;
}

export function addApiOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (default 8484; 0: any free port)', nonNegativeInteger)
    .option('--http1', 'HTTP/1.1 only (default: HTTP/1.1 and cleartext HTTP/2 on the same port)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS with HTTP/2 (and HTTP/1.1 by ALPN)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--insecure-local', 'serve requests without a token as admin (only on a loopback address)')
    .option(
      '--request-log <file>',
      'append a JSON line per HTTP request to this file (default: request lines only at --log-level debug)',
    )
    .option('--max-rows <n>', 'most rows one query returns', positiveInteger)
    .option('--query-timeout-ms <n>', 'interrupt queries running longer', positiveInteger)
    .option('--query-memory-mb <n>', 'memory of all queries together (DuckDB; default 512)', positiveInteger)
    .option('--query-spill-mb <n>', 'disk queries may spill to beyond that (default 2048)', nonNegativeInteger)
    .option('--query-threads <n>', 'threads of all queries together (default 2)', positiveInteger)
    .option(
      '--max-value-mb <n>',
      'largest value (string, list) a query may build or return (default 16)',
      positiveInteger,
    )
    .option('--max-result-mb <n>', 'largest result of one query (default 128)', positiveInteger)
    .option(
      '--result-memory-mb <n>',
      'query results held by the server at once, all clients (default 512)',
      positiveInteger,
    )
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
      ...resourceLimits(options),
    },
    ...(options.cacheControl === undefined ? {} : { cacheControl: options.cacheControl }),
    graphql: { persistedOnly: options.persistedOnly ?? false, introspection: options.introspection ?? true },
    logger,
    ...(options.requestLog === undefined ? {} : { requestLog: requestLogger(options.requestLog) }),
  };
  const { ApiServer } = await import('../api/index.js');
  return ApiServer.start(serverOptions);
}

/** A logger appending to `file`; opened here so a bad path fails before the server starts, naming the flag. */
function requestLogger(file: string): Logger {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (error) {
    throw new InvalidArgumentError(
      `--request-log ${file}: cannot write there (${(error as Error).message}); give a file in an existing, writable folder.`,
      { file },
      { cause: error },
    );
  }
  return createLogger({ level: 'info', format: 'json', destination: createWriteStream('', { fd }) });
}

const MIB = 1024 * 1024;

/** The query resource flags given, in the server's units (bytes). */
function resourceLimits(options: ApiCliOptions): Partial<ApiLimits> {
  const mib = (value: number | undefined) => (value === undefined ? undefined : value * MIB);
  const limits: Partial<Record<keyof ApiLimits, number | undefined>> = {
    queryMemoryBytes: mib(options.queryMemoryMb),
    querySpillBytes: mib(options.querySpillMb),
    queryThreads: options.queryThreads,
    maxValueBytes: mib(options.maxValueMb),
    maxResultBytes: mib(options.maxResultMb),
    resultMemoryBytes: mib(options.resultMemoryMb),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

export function apiAnnouncement(server: ApiServer, insecureLocal: boolean): string {
  const auth = insecureLocal
    ? 'no token needed (--insecure-local)'
    : 'send Authorization: Bearer <token> (strata token create)';
  const web = server.consoleBuilt
    ? `Console on ${server.url}/ (${insecureLocal ? 'opens straight in' : 'sign in with a token'})`
    : 'Console not built here: run `npm run build` in the Strata repository, then restart';
  return `API on ${server.url} (${server.protocols}; ${auth}): REST /v1, GraphQL /graphql, streams /v1/streams, OpenAPI /openapi.json\n${web}`;
}
