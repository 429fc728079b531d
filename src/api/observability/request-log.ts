/**
 * The request log: one record per finished request ("request completed": method, URL,
 * status, time), written by this hook instead of Fastify's own pair of records. It goes
 * to its own logger when one is given (`strata up --request-log <file>`), otherwise to
 * the process logger at debug level, so a terminal running `strata up` shows the
 * process's own lines, not a JSON line per request. Secret query parameters are
 * redacted from the URL before it is written, whichever logger receives it.
 */
import type { FastifyInstance } from 'fastify';
import { redactQuerySecrets, type Logger } from '../../core/index.js';

export interface RequestLog {
  readonly logger: Logger;
  readonly level: 'debug' | 'info';
}

export function registerRequestLog(app: FastifyInstance, log: RequestLog): void {
  app.addHook('onResponse', async (request, reply) => {
    if (!log.logger.isLevelEnabled(log.level)) return;
    log.logger[log.level](
      {
        reqId: request.id,
        req: { method: request.method, url: redactQuerySecrets(request.url), remoteAddress: request.ip },
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
      },
      'request completed',
    );
  });
}
