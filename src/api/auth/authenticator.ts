/**
 * From an Authorization header (`Bearer strata_...`) to a Principal. Verified tokens
 * are remembered for a few seconds, so a busy client costs one database lookup per
 * `cacheMs`, not one per request: a revoked token stops working within that time.
 * Without a header, `insecureLocal` servers treat the caller as the local admin;
 * every other server answers 401.
 */
import { Cache } from '../../core/index.js';
import type { MetaDatabase } from '../../meta/index.js';
import { UnauthorizedError } from '../errors.js';
import { grantsOf } from './grant-store.js';
import { LOCAL_ADMIN, type Principal } from '../../catalog/index.js';
import { findToken, touchToken } from './token-store.js';

export interface AuthenticatorOptions {
  readonly insecureLocal: boolean;
  /** How long a verified token (and its role's grants) is trusted without a lookup; default 5 s. */
  readonly cacheMs?: number;
}

const MAX_REMEMBERED = 10_000;
const TOUCH_EVERY_MS = 60_000;

export class Authenticator {
  readonly #remembered: Cache<string, Principal>;
  readonly #touched = new Map<string, number>();
  readonly #cacheMs: number;

  constructor(
    private readonly meta: MetaDatabase,
    readonly options: AuthenticatorOptions,
  ) {
    this.#cacheMs = options.cacheMs ?? 5_000;
    this.#remembered = new Cache({ maxEntries: MAX_REMEMBERED, ttlMs: this.#cacheMs });
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const presented = bearer(authorization);
    if (presented === undefined) {
      if (this.options.insecureLocal) return LOCAL_ADMIN;
      throw new UnauthorizedError(
        'This server needs an API token: send `Authorization: Bearer <token>` (create one with `strata token create`).',
      );
    }
    const now = Date.now();
    const remembered = this.#remembered.get(presented);
    if (remembered !== undefined) return remembered;
    const token = await findToken(this.meta, presented);
    if (token === undefined) throw new UnauthorizedError('The API token is not valid (unknown or malformed).');
    if (token.revokedAt !== null)
      throw new UnauthorizedError(`The API token "${token.name}" was revoked at ${token.revokedAt.toISOString()}.`, {
        token: token.name,
      });
    if (token.expiresAt !== null && token.expiresAt.getTime() <= now) {
      throw new UnauthorizedError(
        `The API token "${token.name}" expired at ${token.expiresAt.toISOString()}; create a new one.`,
        { token: token.name, expiredAt: token.expiresAt.toISOString() },
      );
    }
    const principal: Principal = {
      tokenId: token.id,
      name: token.name,
      role: token.role,
      grants: await grantsOf(this.meta, token.role),
    };
    // Trusted for cacheMs, but never past the token's own expiry.
    this.#remembered.set(presented, principal, Math.min(this.#cacheMs, (token.expiresAt?.getTime() ?? Infinity) - now));
    this.#touch(token.id, now);
    return principal;
  }

  /** Forgets remembered tokens (after a revoke or grant change in this process). */
  forget(): void {
    this.#remembered.clear();
  }

  #touch(id: string, now: number): void {
    if ((this.#touched.get(id) ?? 0) + TOUCH_EVERY_MS > now) return;
    this.#touched.set(id, now);
    // Best effort: a failed bookkeeping write must not fail the request.
    touchToken(this.meta, id).catch(() => undefined);
  }
}

function bearer(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new UnauthorizedError('The Authorization header must be `Bearer <token>`.');
  return match[1];
}
