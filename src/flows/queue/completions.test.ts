import { describe, expect, it } from 'vitest';
import { boundedFailure, MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_STACK_CHARS } from './completions.js';

describe('stored failures', () => {
  it('keeps a short failure as thrown', () => {
    const failure = {
      reason: 'threw',
      name: 'Error',
      message: 'boom',
      stack: 'Error: boom\n    at task (flows/a.ts:1:1)',
    } as const;
    expect(boundedFailure(failure)).toEqual(failure);
  });

  it('bounds a huge message and stack, saying how much was not kept', () => {
    const stored = boundedFailure({
      reason: 'threw',
      name: 'Error',
      message: 'x'.repeat(MAX_ERROR_MESSAGE_CHARS + 500),
      stack: 'y'.repeat(MAX_ERROR_STACK_CHARS * 2),
    });
    expect(stored.message).toHaveLength(MAX_ERROR_MESSAGE_CHARS + '… (500 more characters not kept)'.length);
    expect(stored.message.endsWith('… (500 more characters not kept)')).toBe(true);
    expect(stored.stack!.startsWith('y'.repeat(MAX_ERROR_STACK_CHARS))).toBe(true);
    expect(stored.stack!.length).toBeLessThan(MAX_ERROR_STACK_CHARS + 50);
  });
});
