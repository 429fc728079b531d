import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../core/index.js';
import { parseFilter, parseOrderBy, type FilterDialect } from './search-filter.js';

const RUNS: FilterDialect = {
  entities: ['metric', 'param', 'tag', 'attribute'],
  attributes: { run_id: 'string', status: 'string', start_time: 'number', run_name: 'string' },
  listEntities: ['attribute', 'tag'],
};

function failure(filter: string): string {
  try {
    parseFilter(filter, RUNS);
  } catch (error) {
    expect(isStrataError(error, 'MODEL_INVALID_PARAMETER')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`parsed: ${filter}`);
}

describe('MLflow search filter', () => {
  it('parses metrics, params, tags and attributes joined by AND', () => {
    expect(parseFilter('metrics.rmse < 1 and params.model = \'gbt\' AND tags.x = "y"', RUNS)).toEqual([
      { kind: 'number', entity: 'metric', key: 'rmse', comparator: '<', value: 1 },
      { kind: 'string', entity: 'param', key: 'model', comparator: '=', value: 'gbt' },
      { kind: 'string', entity: 'tag', key: 'x', comparator: '=', value: 'y' },
    ]);
    expect(parseFilter("attributes.status = 'FINISHED' and attribute.start_time >= 1.5e3", RUNS)).toEqual([
      { kind: 'string', entity: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
      { kind: 'number', entity: 'attribute', key: 'start_time', comparator: '>=', value: 1500 },
    ]);
  });

  it('takes quoted keys, LIKE/ILIKE, IN lists and bare attributes', () => {
    expect(parseFilter('metrics.`val loss` <= -0.5 and tags."my tag" ilike \'%Gb%\'', RUNS)).toEqual([
      { kind: 'number', entity: 'metric', key: 'val loss', comparator: '<=', value: -0.5 },
      { kind: 'string', entity: 'tag', key: 'my tag', comparator: 'ILIKE', value: '%Gb%' },
    ]);
    expect(parseFilter("run_id IN ('a', 'b') and tags.t not in ('x')", RUNS)).toEqual([
      { kind: 'list', entity: 'attribute', key: 'run_id', comparator: 'IN', value: ['a', 'b'] },
      { kind: 'list', entity: 'tag', key: 't', comparator: 'NOT IN', value: ['x'] },
    ]);
    expect(parseFilter('  ', RUNS)).toEqual([]);
  });

  it('refuses bad filters with INVALID_PARAMETER_VALUE in MLflow words', () => {
    expect(failure("metrics.rmse < 'low'")).toContain('Expected numeric value type for metric');
    expect(failure("params.model > 'a'")).toContain("Invalid comparator '>' not one of '=, !=, LIKE, ILIKE'");
    expect(failure("params.model IN ('a')")).toContain("Invalid comparator 'IN'");
    expect(failure("attributes.colour = 'red'")).toContain("Invalid attribute key 'colour' specified. Valid keys are");
    expect(failure("datasets.name = 'x'")).toContain("Invalid attribute key 'datasets.name'");
    expect(failure('metrics.a < 1 or metrics.b < 2')).toContain('Invalid clause(s) in filter string');
    expect(failure('metrics.a <')).toContain('Expected numeric value type');
    expect(failure("params.a = 'unterminated")).toContain('Invalid filter string');
    expect(failure('params.a = b')).toContain('must be a quoted string');
    expect(failure("tags.t in ('a', b)")).toContain('Invalid filter string');
    expect(failure('metrics.a < 1 and')).toContain('Expected an identifier');
    expect(failure("= 'x'")).toContain('Invalid');
  });

  it('parses order_by terms and refuses others', () => {
    expect(parseOrderBy(['metrics.rmse DESC', 'attributes.start_time', 'params.`lr` asc'], RUNS)).toEqual([
      { entity: 'metric', key: 'rmse', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'param', key: 'lr', ascending: true },
    ]);
    expect(() => parseOrderBy(['metrics.rmse sideways'], RUNS)).toThrow(/Invalid order_by clause/);
    expect(() => parseOrderBy(['attributes.nope'], RUNS)).toThrow(/Invalid attribute key/);
  });
});
