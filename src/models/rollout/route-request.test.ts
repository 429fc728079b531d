/**
 * The router over 10,000 keys: shares within tolerance (binomial, 4.5 sd), stickiness (the
 * same key, the same version, every time), a weight change moving only the keys it must,
 * shadow mirroring its percentage independently of the split.
 */
import { describe, expect, it } from 'vitest';
import { routeRequest } from './route-request.js';
import { parseTrafficPolicy } from './traffic-policy.js';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function shares(policy: unknown, salt = 'm'): Map<number, number> {
  const parsed = parseTrafficPolicy(policy);
  const counts = new Map<number, number>();
  for (const key of KEYS) {
    const { serve } = routeRequest(parsed, key, salt);
    counts.set(serve, (counts.get(serve) ?? 0) + 1);
  }
  return counts;
}

function withinTolerance(count: number, p: number): void {
  const n = KEYS.length;
  expect(Math.abs(count - n * p)).toBeLessThanOrEqual(4.5 * Math.sqrt(n * p * (1 - p)));
}

describe('routeRequest', () => {
  it('splits by weight within tolerance over 10,000 keys', () => {
    const counts = shares({
      kind: 'split',
      versions: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    withinTolerance(counts.get(1)!, 0.9);
    withinTolerance(counts.get(2)!, 0.1);
    const ab = shares({
      kind: 'split',
      versions: [
        { version: 3, weight: 1 },
        { version: 4, weight: 1 },
        { version: 5, weight: 2 },
      ],
    });
    withinTolerance(ab.get(3)!, 0.25);
    withinTolerance(ab.get(5)!, 0.5);
  });

  it('is sticky, and a weight change moves only keys across the boundary', () => {
    const p10 = parseTrafficPolicy({
      kind: 'split',
      versions: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    const p30 = parseTrafficPolicy({
      kind: 'split',
      versions: [
        { version: 1, weight: 70 },
        { version: 2, weight: 30 },
      ],
    });
    let moved = 0;
    for (const key of KEYS) {
      const first = routeRequest(p10, key, 'm').serve;
      expect(routeRequest(p10, key, 'm').serve).toBe(first);
      const after = routeRequest(p30, key, 'm').serve;
      // Growing the canary only ever moves keys onto it: nobody who saw v2 goes back.
      if (first === 2) expect(after).toBe(2);
      if (after !== first) moved++;
    }
    withinTolerance(moved, 0.2);
  });

  it('splits two models independently (the salt)', () => {
    const policy = parseTrafficPolicy({
      kind: 'split',
      versions: [
        { version: 1, weight: 1 },
        { version: 2, weight: 1 },
      ],
    });
    let same = 0;
    for (const key of KEYS) if (routeRequest(policy, key, 'a').serve === routeRequest(policy, key, 'b').serve) same++;
    withinTolerance(same, 0.5);
  });

  it('mirrors the shadow percentage, always serving the primary', () => {
    const policy = parseTrafficPolicy({ kind: 'shadow', serve: 1, shadow: 2, percent: 25 });
    let mirrored = 0;
    for (const key of KEYS) {
      const route = routeRequest(policy, key, 'm');
      expect(route.serve).toBe(1);
      if (route.shadow !== undefined) {
        expect(route.shadow).toBe(2);
        mirrored++;
      }
    }
    withinTolerance(mirrored, 0.25);
    expect(KEYS.every((k) => routeRequest({ kind: 'shadow', serve: 1, shadow: 2, percent: 100 }, k).shadow === 2)).toBe(
      true,
    );
    expect(KEYS.some((k) => routeRequest({ kind: 'shadow', serve: 1, shadow: 2, percent: 0 }, k).shadow)).toBe(false);
    expect(routeRequest({ kind: 'full', version: 7 }, 'x')).toEqual({ serve: 7 });
  });

  it('refuses malformed policies with the reason', () => {
    expect(() => parseTrafficPolicy({ kind: 'split', versions: [] })).toThrow(/MODEL_INVALID_PARAMETER.*versions/);
    expect(() => parseTrafficPolicy({ kind: 'shadow', serve: 1, shadow: 1, percent: 5 })).toThrow(/must differ/);
    expect(() => parseTrafficPolicy({ kind: 'shadow', serve: 1, shadow: 2, percent: 101 })).toThrow(/percent/);
    expect(() => parseTrafficPolicy({ kind: 'split', versions: [{ version: 1, weight: 0 }] })).toThrow(/positive/);
    expect(() => parseTrafficPolicy({ kind: 'full', version: 0 })).toThrow(/version/);
    expect(() => parseTrafficPolicy({ kind: 'all' })).toThrow(/kind "all"/);
  });
});
