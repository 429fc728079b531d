/**
 * MLflow's search filter grammar: clauses joined by AND (MLflow has no OR), each
 * `<entity>.<key> <comparator> <value>` — `metrics.rmse < 1`, `params.model = 'gbt'`,
 * `tags."my tag" LIKE 'x%'`, `attributes.status IN ('FINISHED', 'RUNNING')`, and
 * `order_by` terms (`metrics.rmse DESC`). Keys may be quoted with backticks or double
 * quotes. What an entity may be compared with follows MLflow's rules; anything else is
 * INVALID_PARAMETER_VALUE with a message in MLflow's words. The parse is data only: the
 * SQL is compiled elsewhere (run-search.ts), with every value a bound parameter.
 */
import { ModelInvalidParameterError } from '../errors.js';
import { tokenize, type Token } from './filter-tokens.js';

export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute';
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export type FilterClause =
  | {
      readonly kind: 'number';
      readonly entity: FilterEntity;
      readonly key: string;
      readonly comparator: Comparator;
      readonly value: number;
    }
  | {
      readonly kind: 'string';
      readonly entity: FilterEntity;
      readonly key: string;
      readonly comparator: Comparator;
      readonly value: string;
    }
  | {
      readonly kind: 'list';
      readonly entity: FilterEntity;
      readonly key: string;
      readonly comparator: 'IN' | 'NOT IN';
      readonly value: readonly string[];
    };

export interface OrderTerm {
  readonly entity: FilterEntity;
  readonly key: string;
  readonly ascending: boolean;
}

/** What one search (runs, registered models, model versions) accepts. */
export interface FilterDialect {
  /** Entities allowed with a prefix (`metrics.`); attributes may also be written bare (`name = 'x'`). */
  readonly entities: readonly FilterEntity[];
  /** Attribute keys and whether they are numeric. */
  readonly attributes: Readonly<Record<string, 'number' | 'string'>>;
  /** Entities whose values are strings but that also take IN / NOT IN. */
  readonly listEntities: readonly FilterEntity[];
}

const PREFIXES: Readonly<Record<string, FilterEntity>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};
const NUMERIC: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

export function parseFilter(text: string | undefined, dialect: FilterDialect): readonly FilterClause[] {
  if (text === undefined || text.trim() === '') return [];
  const tokens = tokenize(text);
  const clauses: FilterClause[] = [];
  let at = 0;
  const invalid = (why: string): never => {
    throw new ModelInvalidParameterError(`Invalid clause(s) in filter string: '${text}'. ${why}`, { filter: text });
  };
  for (;;) {
    const identifier = tokens[at++];
    if (identifier?.kind !== 'identifier')
      invalid(`Expected an identifier such as metrics.rmse, found ${describe(identifier)}.`);
    const { entity, key } = resolveIdentifier((identifier as Token).text, dialect);
    const comparatorToken = tokens[at++];
    if (comparatorToken?.kind !== 'comparator')
      invalid(`Expected a comparator after '${identifier!.text}', found ${describe(comparatorToken)}.`);
    const comparator = comparatorToken!.text as Comparator;
    const type = entity === 'metric' ? 'number' : entity === 'attribute' ? dialect.attributes[key]! : 'string';
    const allowed =
      type === 'number' ? NUMERIC : dialect.listEntities.includes(entity) ? [...STRING, 'IN', 'NOT IN'] : STRING;
    if (!allowed.includes(comparator)) {
      throw new ModelInvalidParameterError(
        `Invalid comparator '${comparator}' not one of '${allowed.join(', ')}' for ${entity} '${key}'.`,
        { filter: text, comparator },
      );
    }
    const valueToken = tokens[at++];
    if (comparator === 'IN' || comparator === 'NOT IN') {
      if (valueToken?.kind !== 'list') invalid(`${comparator} needs a parenthesized list of quoted strings.`);
      clauses.push({ kind: 'list', entity, key, comparator, value: valueToken!.values! });
    } else if (type === 'number') {
      const value = valueToken?.kind === 'number' ? Number(valueToken.text) : Number.NaN;
      if (Number.isNaN(value)) {
        throw new ModelInvalidParameterError(
          `Expected numeric value type for ${entity}. Found ${describe(valueToken)} in filter string '${text}'.`,
          { filter: text },
        );
      }
      clauses.push({ kind: 'number', entity, key, comparator, value });
    } else {
      if (valueToken?.kind !== 'string') {
        throw new ModelInvalidParameterError(
          `Value for ${entity} '${key}' must be a quoted string, found ${describe(valueToken)} in filter string '${text}'.`,
          { filter: text },
        );
      }
      clauses.push({ kind: 'string', entity, key, comparator, value: valueToken!.text });
    }
    const next = tokens[at++];
    if (next === undefined) return clauses;
    if (next.kind !== 'and') invalid(`Clauses are joined by AND (MLflow has no OR), found ${describe(next)}.`);
  }
}

export function parseOrderBy(terms: readonly string[] | undefined, dialect: FilterDialect): readonly OrderTerm[] {
  return (terms ?? []).map((term) => {
    const tokens = tokenize(term);
    const direction = tokens[1]?.text.toUpperCase();
    if (
      tokens[0]?.kind !== 'identifier' ||
      tokens.length > 2 ||
      (tokens.length === 2 && direction !== 'ASC' && direction !== 'DESC')
    ) {
      throw new ModelInvalidParameterError(
        `Invalid order_by clause '${term}'. Could not be parsed: expected <entity>.<key> [ASC|DESC].`,
        { orderBy: term },
      );
    }
    const { entity, key } = resolveIdentifier(tokens[0].text, dialect);
    return { entity, key, ascending: direction !== 'DESC' };
  });
}

function resolveIdentifier(text: string, dialect: FilterDialect): { entity: FilterEntity; key: string } {
  const dot = text.indexOf('.');
  const prefix = dot < 0 ? undefined : PREFIXES[text.slice(0, dot).toLowerCase()];
  const entity = prefix ?? 'attribute';
  const key = prefix === undefined ? text : text.slice(dot + 1);
  if (!dialect.entities.includes(entity)) {
    throw new ModelInvalidParameterError(
      `Invalid entity type '${text.slice(0, dot)}'. Valid values are ${dialect.entities.map((e) => `'${e}'`).join(', ')}.`,
      { identifier: text },
    );
  }
  const unquoted = key.replace(/^[`"](.*)[`"]$/s, '$1');
  if (entity === 'attribute' && dialect.attributes[unquoted] === undefined) {
    throw new ModelInvalidParameterError(
      `Invalid attribute key '${unquoted}' specified. Valid keys are '${Object.keys(dialect.attributes).join("', '")}'.`,
      { identifier: text },
    );
  }
  if (unquoted === '')
    throw new ModelInvalidParameterError(`Invalid identifier '${text}': the key is empty.`, { identifier: text });
  return { entity, key: unquoted };
}

function describe(token: Token | undefined): string {
  return token === undefined ? 'the end of the filter' : `'${token.text}'`;
}
