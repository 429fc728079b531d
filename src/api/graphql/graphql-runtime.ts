/**
 * The one `graphql` module instance. graphql 16 ships CommonJS (`main`) and ESM
 * (`module`) builds without an `exports` map, so Node's ESM loader gives every
 * package that imports it (yoga, armor, @apollo/subgraph) the CommonJS build, while
 * bundlers and vitest would give our own files the ESM one: two realms, and graphql's
 * instanceof checks fail ("Cannot use GraphQLNonNull from another module or realm").
 * Loading it with require always yields the instance the libraries use.
 */
import { createRequire } from 'node:module';

type Graphql = typeof import('graphql');

const graphql = createRequire(import.meta.url)('graphql') as Graphql;

export const { GraphQLError, GraphQLScalarType, Kind, parse, getOperationAST, NoSchemaIntrospectionCustomRule } = graphql;
export type GraphQLError = import('graphql').GraphQLError;
export type GraphQLScalarType = import('graphql').GraphQLScalarType;
