import { describe, expect, it } from 'vitest';
import { defineFlow } from '../definition/flow-definition.js';
import { testFlow } from './flow-testing.js';

describe('testFlow', () => {
  it('runs a flow to the end and reports states, outputs, attempts and logs', async () => {
    let calls = 0;
    const flow = defineFlow({ id: 'tested', params: { n: 3 } }, (f) => {
      const numbers = f.task('numbers', async (ctx) => {
        ctx.log('making', ctx.params.n, 'numbers');
        return Array.from({ length: ctx.params.n }, (_, i) => i + 1);
      });
      const squares = f.map('square', numbers, { retries: { retries: 1, delayMs: 1 } }, async (_ctx, n) => {
        if (n === 2 && calls++ === 0) throw new Error('transient');
        return n * n;
      });
      f.task('sum', { inputs: { squares } }, async (_ctx, { squares }) => squares.reduce((a, b) => a + b, 0));
    });
    const result = await testFlow(flow, { params: { n: 4 } });
    expect(result.state).toBe('success');
    expect(result.tasks.get('sum')?.output).toBe(30);
    expect(result.tasks.get('square[1]')?.attempts).toBe(2);
    expect(result.tasks.get('numbers')?.logs).toEqual(['making 4 numbers']);
  });
});
