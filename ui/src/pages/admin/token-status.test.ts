import { describe, expect, it } from 'vitest';
import { tokenStatus } from './token-status';

describe('tokenStatus', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('says revoked before expired, and active otherwise', () => {
    expect(tokenStatus({ revokedAt: '2026-05-01T00:00:00Z', expiresAt: '2026-05-02T00:00:00Z' }, now).kind).toBe(
      'revoked',
    );
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-05-02T00:00:00Z' }, now).kind).toBe('expired');
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-06-01T00:00:00Z' }, now).kind).toBe('expired');
    expect(tokenStatus({ revokedAt: null, expiresAt: '2026-07-01T00:00:00Z' }, now)).toMatchObject({
      kind: 'active',
      text: expect.stringContaining('until'),
    });
    expect(tokenStatus({ revokedAt: null, expiresAt: null }, now)).toEqual({ kind: 'active', text: 'active' });
  });
});
