import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, StrataError, isStrataError } from './errors.js';

class ThingMissingError extends StrataError<'THING_MISSING'> {
  constructor() {
    super('THING_MISSING', 'not_found', 'No thing here.', { thing: 1 }, { cause: new Error('root') });
  }
}

describe('StrataError', () => {
  it('carries code, category, details and cause, with the code in the message', () => {
    const error = new ThingMissingError();
    expect(error.message).toBe('[THING_MISSING] No thing here.');
    expect([error.name, error.code, error.category, error.details]).toEqual([
      'ThingMissingError',
      'THING_MISSING',
      'not_found',
      { thing: 1 },
    ]);
    expect((error.cause as Error).message).toBe('root');
    expect(new InvalidArgumentError('bad').category).toBe('invalid');
  });

  it('keeps its brand out of JSON and out of its own keys', () => {
    const error = new ThingMissingError();
    expect(Object.keys(error)).not.toContain(Symbol.for('strata.error').toString());
    expect(
      Object.getOwnPropertySymbols(error).every((s) => !Object.getOwnPropertyDescriptor(error, s)!.enumerable),
    ).toBe(true);
  });
});

describe('isStrataError', () => {
  it('tells Strata errors from others, and matches any of the given codes', () => {
    const error = new ThingMissingError();
    expect(isStrataError(error)).toBe(true);
    expect(isStrataError(error, 'THING_MISSING')).toBe(true);
    expect(isStrataError(error, 'OTHER', 'THING_MISSING')).toBe(true);
    expect(isStrataError(error, 'OTHER')).toBe(false);
    const lookalike = Object.assign(new Error('[THING_MISSING] x'), { code: 'THING_MISSING', category: 'not_found' });
    expect(isStrataError(lookalike)).toBe(false);
    expect(isStrataError(lookalike, 'THING_MISSING')).toBe(false);
    for (const value of [undefined, null, 'THING_MISSING', 42, {}]) expect(isStrataError(value)).toBe(false);
  });

  it('recognises errors from another copy of the module, where instanceof fails', async () => {
    vi.resetModules();
    // A query suffix makes the module loader evaluate the file a second time, as a second installed copy would be.
    const url: string = './errors.js?copy';
    const copy = (await import(/* @vite-ignore */ url)) as typeof import('./errors.js');
    expect(copy.StrataError).not.toBe(StrataError);
    const foreign = new copy.InvalidArgumentError('from a second copy');
    expect(foreign instanceof StrataError).toBe(false);
    expect(isStrataError(foreign, 'INVALID_ARGUMENT')).toBe(true);
    expect(copy.isStrataError(new ThingMissingError(), 'THING_MISSING')).toBe(true);
  });
});
