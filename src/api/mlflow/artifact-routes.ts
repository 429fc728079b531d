/**
 * MLflow's artifact proxy, `/api/2.0/mlflow-artifacts/artifacts/<path>`: what MLflow
 * clients use for `mlflow-artifacts:/` URIs. PUT stores a file's bytes whatever its
 * content type (the client sends a guessed one), GET returns them, and GET without a
 * path below `artifacts` lists a directory (`?path=`) with basenames, as MLflow does.
 * Uploads are bounded by the server's body limit (64 MiB by default).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModelStores } from '../../models/index.js';
import { requireMlflowRole } from './mlflow-request.js';

export function registerArtifactRoutes(scope: FastifyInstance, stores: ModelStores): void {
  // Artifacts are bytes: no body is parsed as JSON or text here.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const pathOf = (request: FastifyRequest) => decodeURIComponent((request.params as { '*': string })['*']);

  scope.get('/artifacts', { schema: { hide: true } }, async (request) => {
    requireMlflowRole(request, 'reader');
    const path = (request.query as { path?: string }).path ?? '';
    const entries = await stores.artifacts.list(path.replace(/^\/+|\/+$/g, ''));
    return {
      files: entries.map((e) => ({
        path: e.path,
        is_dir: e.isDir,
        ...(e.fileSize === undefined ? {} : { file_size: e.fileSize }),
      })),
    };
  });
  scope.get('/artifacts/*', { schema: { hide: true } }, async (request, reply) => {
    requireMlflowRole(request, 'reader');
    const data = await stores.artifacts.get(pathOf(request));
    return reply.type('application/octet-stream').send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  scope.put('/artifacts/*', { schema: { hide: true } }, async (request) => {
    requireMlflowRole(request, 'writer');
    const body = request.body;
    await stores.artifacts.put(pathOf(request), Buffer.isBuffer(body) ? body : Buffer.alloc(0));
    return {};
  });
}
