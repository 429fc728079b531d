import { describe, expect, it } from 'vitest';
import { paramFields, parseParams } from './params-form';

const schema = {
  properties: {
    n: { type: 'number', default: 3 },
    label: { type: 'string', default: 'x' },
    full: { type: 'boolean', default: false },
    ids: { type: 'array', default: [1, 2] },
    any: { default: null },
  },
};

describe('params form', () => {
  it('makes one field per parameter with its kind and default', () => {
    expect(paramFields(schema)).toEqual([
      { name: 'n', kind: 'number', initial: '3' },
      { name: 'label', kind: 'text', initial: 'x' },
      { name: 'full', kind: 'boolean', initial: 'false' },
      { name: 'ids', kind: 'json', initial: '[1,2]' },
      { name: 'any', kind: 'json', initial: 'null' },
    ]);
  });

  it('reads back typed values, sending only what changed', () => {
    const fields = paramFields(schema);
    expect(parseParams(fields, {})).toEqual({ kind: 'ok', params: {} });
    expect(parseParams(fields, { n: '21', label: 'live', full: 'true', ids: '[3]', any: '{"a":1}' })).toEqual({
      kind: 'ok',
      params: { n: 21, label: 'live', full: true, ids: [3], any: { a: 1 } },
    });
  });

  it('names the fields that do not parse', () => {
    expect(parseParams(paramFields(schema), { n: 'many', ids: '[1,' })).toEqual({
      kind: 'invalid',
      errors: { n: '"many" is not a number', ids: 'not valid JSON' },
    });
  });
});
