/**
 * The graphql-yoga server behind every transport: the principal's generated schema
 * (set per operation from the context), graphql-armor limits, hidden field suggestions,
 * optional introspection and persisted operations, error codes on every error, and
 * operation metrics. HTTP uses it directly; WebSocket and SSE use its getEnveloped, so
 * the same plugins guard all three.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { NoSchemaIntrospectionCustomRule, getOperationAST, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiMetrics } from '../observability/metrics.js';
import type { Principal } from '../../catalog/index.js';
import { isGraphQLError, toGraphQLError, withCode } from './graphql-errors.js';
import { GRAPHQL_DEFAULTS, type GraphqlOptions } from './graphql-options.js';

/** What each transport passes in: who asks, and the schema generated for them. */
export interface GraphqlServerContext {
  readonly principal: Principal;
  readonly schema: GraphQLSchema;
  readonly req?: FastifyRequest;
  readonly reply?: FastifyReply;
}

export type StrataYoga = YogaServerInstance<GraphqlServerContext, Record<string, never>>;

type AnyPlugin = Plugin<Record<string, unknown>, GraphqlServerContext>;

const principalSchema: AnyPlugin = {
  onEnveloped({ context, setSchema }) {
    const schema = (context as Partial<GraphqlServerContext> | undefined)?.schema;
    if (schema !== undefined) setSchema(schema);
  },
};

function errorCodes(metrics: ApiMetrics): AnyPlugin {
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (isGraphQLError(result)) replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
      },
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length === 0) return;
        metrics.graphqlOperation('invalid', 'error');
        setResult(result.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')));
      },
    onExecute: ({ args }) => {
      const operation = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
      return {
        onExecuteDone: ({ result }) =>
          metrics.graphqlOperation(operation, 'errors' in result && (result.errors?.length ?? 0) > 0 ? 'error' : 'ok'),
      };
    },
    onSubscribe: () => {
      metrics.graphqlOperation('subscription', 'ok');
    },
  };
}

const noIntrospection: AnyPlugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

function protection(options: GraphqlOptions): AnyPlugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: options.maxDepth ?? GRAPHQL_DEFAULTS.maxDepth, ignoreIntrospection: true },
    costLimit: { maxCost: options.maxCost ?? GRAPHQL_DEFAULTS.maxCost, ignoreIntrospection: true },
    maxAliases: { n: options.maxAliases ?? GRAPHQL_DEFAULTS.maxAliases },
    maxTokens: { n: options.maxTokens ?? GRAPHQL_DEFAULTS.maxTokens },
    maxDirectives: { n: options.maxDirectives ?? GRAPHQL_DEFAULTS.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  });
  return armor.protect().plugins as AnyPlugin[];
}

function persisted(options: GraphqlOptions): AnyPlugin[] {
  const operations = options.persistedOperations ?? {};
  if (Object.keys(operations).length === 0 && options.persistedOnly !== true) return [];
  return [
    usePersistedOperations({
      getPersistedOperation: (key: string) => operations[key] ?? null,
      allowArbitraryOperations: options.persistedOnly !== true,
      customErrors: {
        persistedQueryOnly: {
          message:
            'This endpoint runs persisted operations only: send extensions.persistedQuery.sha256Hash of a registered operation.',
          extensions: { code: 'PERSISTED_QUERY_ONLY' },
        },
        notFound: { message: 'No persisted operation has this id.', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      },
    }) as AnyPlugin,
  ];
}

export function createStrataYoga(options: GraphqlOptions, metrics: ApiMetrics): StrataYoga {
  return createYoga<GraphqlServerContext, Record<string, never>>({
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    batching: false,
    logging: false,
    maskedErrors: { maskError: (error) => toGraphQLError(error) },
    plugins: [
      principalSchema,
      ...persisted(options),
      ...protection(options),
      ...(options.introspection === false ? [noIntrospection] : []),
      errorCodes(metrics),
    ],
  });
}
