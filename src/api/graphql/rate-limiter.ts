/**
 * Operations per token per minute, over every transport. A fixed one-minute window per
 * token: O(1) per operation and one small entry per active token; windows of idle
 * tokens are dropped as they are met.
 */
import { RateLimitedError } from '../errors.js';
import type { Principal } from '../../catalog/index.js';

const WINDOW_MS = 60_000;

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number | undefined) {}

  /** Counts one operation; throws RateLimitedError (API_RATE_LIMITED) past the limit. */
  take(principal: Principal, now = Date.now()): void {
    if (this.perMinute === undefined) return;
    const key = principal.tokenId ?? `name:${principal.name}`;
    let window = this.#windows.get(key);
    if (window === undefined || now - window.start >= WINDOW_MS) {
      if (this.#windows.size > 10_000) this.#sweep(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    if (window.count > this.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
      throw new RateLimitedError(
        `Token "${principal.name}" sent more than ${this.perMinute} GraphQL operations this minute; retry in ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      );
    }
  }

  #sweep(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= WINDOW_MS) this.#windows.delete(key);
  }
}
