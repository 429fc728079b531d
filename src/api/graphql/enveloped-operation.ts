/**
 * An operation arriving over WebSocket or SSE, prepared through yoga's envelop (so the
 * armor limits, introspection switch, error codes and error masking apply as on HTTP):
 * rate limit, the principal's schema, parse, validate. Returns the execution arguments,
 * or the errors to answer with.
 */
import { GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Principal } from '../../catalog/index.js';
import { toGraphQLError } from './graphql-errors.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SchemaRegistry } from './schema-registry.js';
import type { StrataYoga } from './yoga-server.js';

export interface OperationParams {
  readonly query?: string | null;
  readonly operationName?: string | null;
  readonly variables?: Readonly<Record<string, unknown>> | null;
}

type Run = (args: ExecutionArgs) => unknown;

/** Execution arguments whose rootValue carries envelop's execute/subscribe (the transports call those). */
export interface EnvelopedArgs extends ExecutionArgs {
  readonly rootValue: { readonly execute: Run; readonly subscribe: Run };
}

export interface OperationDeps {
  readonly yoga: StrataYoga;
  readonly registry: SchemaRegistry;
  readonly limiter: RateLimiter;
}

export async function prepareOperation(
  deps: OperationDeps,
  principal: Principal,
  params: OperationParams,
): Promise<EnvelopedArgs | readonly GraphQLError[]> {
  try {
    deps.limiter.take(principal);
    if (typeof params.query !== 'string' || params.query === '') {
      return [new GraphQLError('The operation has no query text.', { extensions: { code: 'BAD_REQUEST' } })];
    }
    const schema = await deps.registry.schemaFor(principal);
    const enveloped = deps.yoga.getEnveloped({ principal, schema, params });
    let document: DocumentNode;
    try {
      document = enveloped.parse(params.query);
    } catch (error) {
      return [toGraphQLError(error)];
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return errors;
    return {
      schema: enveloped.schema,
      document,
      operationName: params.operationName ?? null,
      variableValues: params.variables ?? null,
      contextValue: await enveloped.contextFactory(),
      rootValue: { execute: enveloped.execute as Run, subscribe: enveloped.subscribe as Run },
    };
  } catch (error) {
    return [toGraphQLError(error)];
  }
}

export function isErrors(value: EnvelopedArgs | readonly GraphQLError[]): value is readonly GraphQLError[] {
  return Array.isArray(value);
}
