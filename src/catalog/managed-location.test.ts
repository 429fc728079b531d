import { describe, expect, it } from 'vitest';
import { isInside, managedRelativeLocation, pathSegment } from './managed-location.js';

describe('managed locations', () => {
  it('keeps plain names and escapes everything else, one-to-one', () => {
    expect(managedRelativeLocation({ schema: 'main', table: 'orders_2026-01' })).toBe('main/orders_2026-01');
    expect(pathSegment('Orders')).toBe('%4Frders');
    expect(pathSegment('a/b')).toBe('a%2Fb');
    expect(pathSegment('..')).toBe('%2E%2E');
    expect(pathSegment('50%')).toBe('50%25');
    expect(pathSegment('é')).toBe('%C3%A9');
    const names = ['Orders', 'orders', '%4Frders', 'a b', 'a%20b'];
    expect(new Set(names.map(pathSegment)).size).toBe(names.length);
  });

  it('tells whether a path is inside a root', () => {
    expect(isInside('/w/lake', '/w/lake')).toBe(true);
    expect(isInside('/w/lake', '/w/lake/main/t')).toBe(true);
    expect(isInside('/w/lake', '/w/lakes')).toBe(false);
    expect(isInside('/w/lake', '/w/..lake')).toBe(false);
    expect(isInside('/w/lake/x', '/w/lake/x/../y')).toBe(false);
  });
});
