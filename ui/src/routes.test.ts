import { describe, expect, it } from 'vitest';
import { matchRoute, restOf, ROUTES } from './routes';

describe('routes', () => {
  it('matches a page by its prefix, and only whole segments', () => {
    expect(matchRoute('/')?.label).toBe('Home');
    expect(matchRoute('/tables')?.label).toBe('Tables');
    expect(matchRoute('/tables/main/sales')?.label).toBe('Tables');
    expect(matchRoute('/tablesx')).toBeUndefined();
    expect(matchRoute('/nowhere')).toBeUndefined();
  });

  it('gives a page the decoded segments after its prefix', () => {
    const tables = ROUTES.find((route) => route.path === '/tables')!;
    expect(restOf('/tables/main/my%20table', tables)).toEqual(['main', 'my table']);
    expect(restOf('/tables', tables)).toEqual([]);
  });
});
