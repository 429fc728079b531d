import { describe, expect, it } from 'vitest';
import { paramsSchema } from './params-schema.js';

describe('paramsSchema', () => {
  it('types each parameter by its default', () => {
    expect(paramsSchema({ n: 3, day: '2026-01-01', full: false, ids: [1], opts: { a: 1 }, any: null })).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        n: { type: 'number', default: 3 },
        day: { type: 'string', default: '2026-01-01' },
        full: { type: 'boolean', default: false },
        ids: { type: 'array', default: [1] },
        opts: { type: 'object', default: { a: 1 } },
        any: { default: null },
      },
    });
  });

  it('gives a flow without params an empty object schema', () => {
    expect(paramsSchema({})).toEqual({ type: 'object', properties: {}, additionalProperties: false });
  });
});
