import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../core/index.js';
import type { Principal } from '../../catalog/index.js';
import { RunningQueries } from './running-queries.js';

const alice: Principal = { tokenId: 'a1', name: 'alice', role: 'reader', grants: null };
const bob: Principal = { tokenId: 'b1', name: 'bob', role: 'admin', grants: null };

describe('RunningQueries', () => {
  it("cancels its owner's query and nobody else's", () => {
    const running = new RunningQueries();
    const query = running.start(alice, 'q1');
    expect(() => running.cancel(bob, 'q1')).toThrow(expect.objectContaining({ code: 'API_NOT_FOUND' }));
    expect(query.signal.aborted).toBe(false);
    running.cancel(alice, 'q1');
    expect(query.signal.aborted).toBe(true);
  });

  it('makes ids, refuses malformed and duplicate ones, and forgets finished queries', () => {
    const running = new RunningQueries();
    const made = running.start(alice, undefined);
    expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
    running.start(alice, 'same');
    const duplicate = (() => {
      try {
        running.start(alice, 'same');
      } catch (error) {
        return error;
      }
    })();
    expect(isStrataError(duplicate, 'API_BAD_REQUEST')).toBe(true);
    // The same id is another query for another principal.
    const bobs = running.start(bob, 'same');
    expect(() => running.start(alice, 'no spaces')).toThrow(expect.objectContaining({ code: 'API_BAD_REQUEST' }));
    bobs.done();
    expect(() => running.cancel(bob, 'same')).toThrow(expect.objectContaining({ code: 'API_NOT_FOUND' }));
  });
});
