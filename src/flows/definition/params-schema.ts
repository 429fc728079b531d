/**
 * A flow's params as a JSON Schema (draft 2020-12 subset), for forms that are generated
 * rather than written: params are declared by their defaults, and a run's value must have
 * its default's JSON type (trigger refuses others with FLOW_PARAMS), so each default
 * gives its property's type. A null default accepts any JSON value.
 */
import type { JsonValue } from '../../core/index.js';

export interface ParamSchema {
  readonly type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  readonly default: JsonValue;
}

export interface ParamsSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, ParamSchema>>;
  readonly additionalProperties: false;
}

export function paramsSchema(defaults: Readonly<Record<string, JsonValue>>): ParamsSchema {
  const properties: Record<string, ParamSchema> = {};
  for (const [name, value] of Object.entries(defaults)) properties[name] = paramSchema(value);
  return { type: 'object', properties, additionalProperties: false };
}

function paramSchema(value: JsonValue): ParamSchema {
  if (value === null) return { default: null };
  if (Array.isArray(value)) return { type: 'array', default: value };
  switch (typeof value) {
    case 'string':
      return { type: 'string', default: value };
    case 'boolean':
      return { type: 'boolean', default: value };
    case 'number':
      // Trigger checks the JSON type only: 2.5 is a valid value for a default of 3, so "number".
      return { type: 'number', default: value };
    default:
      return { type: 'object', default: value };
  }
}
