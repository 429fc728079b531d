/**
 * Serves the web console at `/`: hashed assets (`/assets/*`) cached for a year
 * (their names change with their content), `index.html` revalidated every time, and
 * index.html for any other browser navigation outside the API's own paths, so every
 * deep link (`/tables/main.sales?version=3`) opens the console on that page. When the
 * console was not built, `/` says how to build it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleFiles } from './console-files.js';

const API_PREFIXES = ['/v1/', '/graphql', '/openapi.json', '/health', '/ready', '/metrics', '/assets/'];
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A path the console may own (not one of the API's): unmatched ones get index.html. */
export function isConsolePath(url: string): boolean {
  const path = url.split('?')[0]!;
  return !API_PREFIXES.some((prefix) => path.startsWith(prefix));
}

export interface ConsoleHandle {
  /** Whether ui/dist was found (else `/` says how to build it). */
  readonly built: boolean;
  /** For the not-found handler: true when it answered a browser navigation with the console. */
  fallback(request: FastifyRequest, reply: FastifyReply): Promise<boolean>;
}

export function registerConsoleRoutes(app: FastifyInstance, directory?: string): ConsoleHandle {
  const files = ConsoleFiles.find(directory);
  const config = { public: true };
  const schema = { hide: true };

  const send = async (request: FastifyRequest, reply: FastifyReply, path: string, cache: string) => {
    const file = await files?.read(path, request.headers['accept-encoding']);
    if (file === undefined) return false;
    void reply.header('content-type', file.type).header('cache-control', cache).header('vary', 'accept-encoding');
    if (file.encoding !== undefined) void reply.header('content-encoding', file.encoding);
    await reply.send(file.body);
    return true;
  };
  const index = (request: FastifyRequest, reply: FastifyReply) => send(request, reply, '/index.html', 'no-cache');

  app.get('/', { config, schema }, async (request, reply) => {
    if (files === undefined)
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .send(
          'The Strata console is not built here (ui/dist is missing). Build it with `npm run build` ' +
            '(or `npm ci`, which runs it) at the repository root, then restart the server. ' +
            'The API itself works: see /openapi.json.',
        );
    await index(request, reply);
    // The reply itself, not index()'s boolean: Fastify would try to send that too.
    return reply;
  });
  app.get('/assets/*', { config, schema }, async (request, reply) => {
    if (await send(request, reply, request.url.split('?')[0]!, IMMUTABLE)) return reply;
    return reply.callNotFound();
  });

  return {
    built: files !== undefined,
    async fallback(request, reply) {
      if (files === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
      const path = request.url.split('?')[0]!;
      if (!isConsolePath(path)) return false;
      // Top-level files of the build (favicon), then pages for browsers.
      if (!path.slice(1).includes('/') && (await send(request, reply, path, 'no-cache'))) return true;
      if (!(request.headers.accept ?? '').includes('text/html')) return false;
      return index(request, reply);
    },
  };
}
