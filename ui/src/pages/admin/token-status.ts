/** How a token stands (revoked, expired, active until …) and the expiry choices of the create form. */
export interface TokenDates {
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export type TokenStatus =
  | { readonly kind: 'revoked'; readonly text: string }
  | { readonly kind: 'expired'; readonly text: string }
  | { readonly kind: 'active'; readonly text: string };

export function tokenStatus(token: TokenDates, now: Date): TokenStatus {
  if (token.revokedAt !== null)
    return { kind: 'revoked', text: `revoked ${new Date(token.revokedAt).toLocaleString()}` };
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime())
    return { kind: 'expired', text: `expired ${new Date(token.expiresAt).toLocaleString()}` };
  return {
    kind: 'active',
    text: token.expiresAt === null ? 'active' : `active until ${new Date(token.expiresAt).toLocaleString()}`,
  };
}

const DAY = 24 * 3600;

export const EXPIRY_CHOICES: readonly { readonly label: string; readonly seconds: number | null }[] = [
  { label: 'never', seconds: null },
  { label: 'in 1 hour', seconds: 3600 },
  { label: 'in 1 day', seconds: DAY },
  { label: 'in 7 days', seconds: 7 * DAY },
  { label: 'in 30 days', seconds: 30 * DAY },
  { label: 'in 90 days', seconds: 90 * DAY },
  { label: 'in 1 year', seconds: 365 * DAY },
];
