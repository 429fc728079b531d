/**
 * Errors on the MLflow routes leave in MLflow's shape, `{"error_code", "message"}`, with
 * the HTTP status MLflow gives that code (mlflow/exceptions.py), because MLflow clients
 * read `error_code` (e.g. to create an experiment that RESOURCE_DOES_NOT_EXIST). Strata
 * errors from elsewhere (the auth hook, body parsing) are translated by category.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isStrataError, type ErrorCategory, type StrataError } from '../../core/index.js';
import { MLFLOW_ERROR_CODE, type ModelErrorCode } from '../../models/index.js';

export interface MlflowErrorBody {
  readonly error_code: string;
  readonly message: string;
}

const STATUS: Readonly<Record<string, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  TEMPORARILY_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

const BY_CATEGORY: Readonly<Record<ErrorCategory, string>> = {
  invalid: 'INVALID_PARAMETER_VALUE',
  not_found: 'RESOURCE_DOES_NOT_EXIST',
  conflict: 'RESOURCE_ALREADY_EXISTS',
  forbidden: 'PERMISSION_DENIED',
  unauthenticated: 'UNAUTHENTICATED',
  unavailable: 'TEMPORARILY_UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
};

export function toMlflowError(error: unknown): { status: number; body: MlflowErrorBody } {
  if (isStrataError(error)) {
    const strata = error as StrataError;
    const code =
      (MLFLOW_ERROR_CODE as Readonly<Record<string, string>>)[strata.code as ModelErrorCode] ??
      BY_CATEGORY[strata.category];
    return {
      status: STATUS[code] ?? 500,
      body: { error_code: code, message: strata.message.replace(/^\[[A-Z_]+\] /, '') },
    };
  }
  const fastify = error as Partial<FastifyError>;
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return { status: 400, body: { error_code: 'BAD_REQUEST', message: fastify.message ?? 'Bad request' } };
  }
  return {
    status: 500,
    body: { error_code: 'INTERNAL_ERROR', message: 'Internal error; the server log has the details.' },
  };
}

/** Installs the MLflow error shape on an encapsulated scope (only the MLflow routes). */
export function useMlflowErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error, request, reply) => {
    const { status, body } = toMlflowError(error);
    if (status >= 500) request.log.error({ err: error }, 'MLflow request failed');
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    void reply.code(status).send(body);
  });
  scope.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No MLflow endpoint ${request.method} ${request.url.split('?')[0]} on this server.`,
    });
  });
}
