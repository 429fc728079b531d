/**
 * Errors the GraphQL layer raises, and how any error becomes a GraphQL error: every
 * StrataError keeps its stable code as `extensions.code`; anything else is masked
 * (INTERNAL_SERVER_ERROR) so internals never leak, and still answers with a GraphQL
 * error body rather than a 5xx.
 */
import { GraphQLError } from 'graphql';
import { StrataError, isStrataError, type ErrorDetails } from '../../core/index.js';
import { ApiError } from '../errors.js';

/** An argument the schema accepts but the operation cannot use (a null in `_eq`, a negative limit). */
export class GraphqlInputError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('GRAPHQL_BAD_INPUT', message, details);
  }
}

/**
 * An operation refused before it ran (parse, validation, armor limits, persisted-only)
 * where the transport answers with HTTP, not a GraphQL result (graphql-sse): a 400
 * whose code is the first GraphQL error's and whose details carry all of them.
 */
export class GraphqlOperationError extends StrataError {
  constructor(errors: readonly GraphQLError[]) {
    const first = errors[0];
    const code = typeof first?.extensions.code === 'string' ? first.extensions.code : 'GRAPHQL_VALIDATION_FAILED';
    // The code is GraphQL's own (GRAPHQL_PARSE_FAILED, MAX_DEPTH_EXCEEDED, ...): always the client's mistake.
    super(code, 'invalid', first?.message ?? 'The operation was refused.', {
      errors: errors.map((e) => ({ message: e.message, extensions: { code: e.extensions.code ?? null } })),
    });
  }
}

export function isGraphQLError(error: unknown): error is GraphQLError {
  // One graphql instance in every environment (see vitest.config.ts), so instanceof holds.
  return error instanceof GraphQLError;
}

// DuckDB's messages for values it cannot use: the client's input, safe to show.
const INPUT_ERROR = /^(Conversion|Invalid Input|Out of Range|Constraint|Binder) Error/;

function extensionsOf(error: StrataError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if ('retryAfterSeconds' in error.details) extensions.retryAfterSeconds = error.details.retryAfterSeconds;
  return extensions;
}

/**
 * The GraphQL error a resolver's failure becomes: StrataErrors keep message and code,
 * DuckDB's input errors become BAD_USER_INPUT, GraphQL's own errors pass unchanged,
 * anything else is masked as INTERNAL_SERVER_ERROR.
 */
export function toGraphQLError(error: unknown): GraphQLError {
  const wrapper = isGraphQLError(error) ? error : undefined;
  const original = wrapper ? wrapper.originalError : error;
  const location = wrapper
    ? { nodes: wrapper.nodes, source: wrapper.source, positions: wrapper.positions, path: wrapper.path }
    : {};
  if (isStrataError(original))
    return new GraphQLError(original.message, {
      ...location,
      originalError: original,
      extensions: extensionsOf(original),
    });
  if (wrapper !== undefined && (original === undefined || original === null || isGraphQLError(original))) {
    // graphql-armor throws its refusals during validation, without a code.
    return wrapper.extensions?.code === undefined ? withCode(wrapper, 'GRAPHQL_VALIDATION_FAILED') : wrapper;
  }
  if (original instanceof Error && INPUT_ERROR.test(original.message)) {
    return new GraphQLError(original.message.split('\n')[0]!, { ...location, extensions: { code: 'BAD_USER_INPUT' } });
  }
  return new GraphQLError('Unexpected error.', { ...location, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

const LIMIT_CODES: readonly (readonly [RegExp, string])[] = [
  [/Token limit/, 'MAX_TOKENS_EXCEEDED'],
  [/depth limit/, 'MAX_DEPTH_EXCEEDED'],
  [/Aliases limit/, 'MAX_ALIASES_EXCEEDED'],
  [/Directives limit/, 'MAX_DIRECTIVES_EXCEEDED'],
  [/Cost limit/, 'MAX_COST_EXCEEDED'],
  [/introspection/i, 'INTROSPECTION_DISABLED'],
];

/** A parse or validation error with an extension code (graphql-js and graphql-armor give none). */
export function withCode(
  error: GraphQLError,
  fallback: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED',
): GraphQLError {
  if (error.extensions?.code !== undefined && error.extensions.http !== undefined) return error;
  const code =
    (error.extensions?.code as string | undefined) ??
    LIMIT_CODES.find(([pattern]) => pattern.test(error.message))?.[1] ??
    fallback;
  // yoga answers with the status an error's extensions.http gives: a refused operation is the client's fault (400).
  const http = { status: 400 };
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code, http },
  });
}
