import { describe, expect, it } from 'vitest';
import { outputValue } from './on-demand-compute.js';
import { shownValue, typedValue } from './request-values.js';

describe('request values', () => {
  it('takes a value of the declared type and refuses others', () => {
    expect(typedValue('int64', 42)).toBe(42);
    expect(typedValue('int64', '9007199254740993')).toBe(9007199254740993n);
    expect(typedValue('int64', '42')).toBe(42);
    expect(typedValue('int32', '42')).toBeUndefined();
    expect(typedValue('int64', 1.5)).toBeUndefined();
    expect(typedValue('string', 42)).toBeUndefined();
    expect(typedValue('bool', 'true')).toBeUndefined();
    expect(typedValue('timestamp', '2026-01-02T00:00:00Z')).toEqual(new Date('2026-01-02T00:00:00Z'));
    expect(typedValue('timestamp', 'yesterday')).toBeUndefined();
    expect(shownValue('abc')).toBe('"abc" (a string)');
  });

  it('coerces on-demand outputs to their type, null when they do not fit', () => {
    expect(outputValue('int64', 2.7)).toBe(2);
    expect(outputValue('float64', 3n)).toBe(3);
    expect(outputValue('string', 3)).toBeNull();
    expect(outputValue('bool', undefined)).toBeNull();
  });
});
