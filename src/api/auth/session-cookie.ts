/**
 * The web console's session: the API token kept in an httpOnly, SameSite=Strict cookie
 * (scripts in the page never see it), and a CSRF token derived from it. The CSRF token
 * is stateless (an HMAC of a fixed label keyed by the session's token): any replica can
 * check it, and only a page that can read `GET /v1/session` (same origin) learns it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'strata_session';
export const CSRF_HEADER = 'x-strata-csrf';

/** The session cookie's value in a Cookie header, if any. */
export function sessionFromCookies(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = decodedOrUndefined(part.slice(eq + 1).trim());
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** A cookie value as set by sessionCookie, or undefined when it is not one (a malformed escape). */
function decodedOrUndefined(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    // Not a value this server set: the request is simply without a session (401 if it needs one).
    return undefined;
  }
}

/** The Set-Cookie value that opens a session (`secure` over TLS). */
export function sessionCookie(token: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The Set-Cookie value that ends it. */
export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('strata-console-csrf-v1').digest('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
