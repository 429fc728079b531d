import { describe, expect, it } from 'vitest';
import { describeJsonValue, jsonTypePhrase } from './format.js';

describe('type names in messages', () => {
  it('names a JSON type with the right article', () => {
    expect(jsonTypePhrase({ eu: true })).toBe('an object (JSON)');
    expect(jsonTypePhrase(['eu'])).toBe('a list (JSON array)');
    expect(jsonTypePhrase('x')).toBe('a string');
    expect(jsonTypePhrase(1)).toBe('a number');
    expect(jsonTypePhrase(false)).toBe('a boolean (true or false)');
    expect(jsonTypePhrase(null)).toBe('null');
  });

  it('names a value with its type, shortening long ones', () => {
    expect(describeJsonValue('eu')).toBe('the string "eu"');
    expect(describeJsonValue(5)).toBe('the number 5');
    expect(describeJsonValue([1, 2])).toBe('the list [1,2]');
    expect(describeJsonValue({ a: 1 })).toBe('the object {"a":1}');
    expect(describeJsonValue(null)).toBe('null');
    expect(describeJsonValue('x'.repeat(100))).toMatch(/^the string "x{59}…$/);
  });
});
