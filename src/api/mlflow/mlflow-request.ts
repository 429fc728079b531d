/**
 * Reading MLflow request fields: GET requests carry them in the query string, the
 * others in a JSON body; proto3 JSON may send int64 values as strings. A missing
 * required field is INVALID_PARAMETER_VALUE in MLflow's words.
 */
import type { FastifyRequest } from 'fastify';
import { ModelInvalidParameterError } from '../../models/index.js';
import type { ApiRole } from '../../catalog/index.js';
import { requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';

export type Fields = Readonly<Record<string, unknown>>;

export function fieldsOf(request: FastifyRequest): Fields {
  const source = request.method === 'GET' ? request.query : request.body;
  if (source === undefined || source === null || source === '') return {};
  if (typeof source !== 'object' || Array.isArray(source))
    throw new ModelInvalidParameterError('The request body must be a JSON object.');
  return source as Fields;
}

export function requireString(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '')
    throw new ModelInvalidParameterError(`Missing value for required parameter '${name}'.`);
  return value;
}

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new ModelInvalidParameterError(
      `Invalid value ${JSON.stringify(value)} for parameter '${name}': expected a string.`,
    );
  return value;
}

export function optionalInt(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw new ModelInvalidParameterError(
      `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected an integer.`,
    );
  }
  return number;
}

/** A double as proto3 JSON writes it: a number, or "NaN", "Infinity", "-Infinity". */
export function requireDouble(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw new ModelInvalidParameterError(`Missing value for required parameter '${name}'.`);
}

/** `order_by` and `experiment_ids` arrive as arrays in a body and as repeated or single values in a query. */
export function stringList(fields: Fields, name: string): string[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) {
    throw new ModelInvalidParameterError(`Invalid value for parameter '${name}': expected a list of strings.`);
  }
  return list.map(String);
}

export function keyValues(fields: Fields, name: string): { key: string; value: string }[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new ModelInvalidParameterError(`Invalid value for parameter '${name}': expected a list of {key, value}.`);
  return value.map((item: unknown) => {
    const entry = (item ?? {}) as Fields;
    return { key: entry.key as string, value: entry.value === undefined ? '' : (entry.value as string) };
  });
}

export function requireMlflowRole(request: FastifyRequest, role: ApiRole): void {
  requireRole(principalOf(request), role, `${request.method} ${request.url.split('?')[0]}`);
}
