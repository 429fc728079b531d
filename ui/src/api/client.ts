/**
 * The typed API client: openapi-fetch over the paths generated from the server's own
 * OpenAPI document (schema.d.ts; regenerate with `npm run openapi:types`). Requests go
 * to the same origin with the session cookie; state-changing ones carry the session's
 * CSRF token. Use `call(api.GET('/v1/tables'))` to get the data or throw an ApiError.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError } from './api-error';
import type { paths } from './schema';

export const CSRF_HEADER = 'x-strata-csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

let csrfToken: string | null = null;

/** Set by the session (GET /v1/session) for every later state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Headers a hand-made fetch needs (for routes whose answer is not JSON, e.g. exports). */
export function sessionHeaders(method: string): Record<string, string> {
  return !SAFE.has(method.toUpperCase()) && csrfToken !== null ? { [CSRF_HEADER]: csrfToken } : {};
}

const csrf: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(sessionHeaders(request.method))) request.headers.set(name, value);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

interface FetchResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The data of a typed call, or throws the server's error as an ApiError. */
export async function call<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch (error) {
    throw ApiError.of(error);
  }
  if (!result.response.ok || result.error !== undefined) throw ApiError.fromBody(result.response.status, result.error);
  return result.data as T;
}

/** fetch for what the typed client does not fit (streams of bytes, downloads): same cookie, CSRF header, errors. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const method = init.method ?? 'GET';
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(sessionHeaders(method))) headers.set(name, value);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  } catch (error) {
    throw ApiError.of(error);
  }
  if (response.ok) return response;
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text is the message
  }
  throw ApiError.fromBody(response.status, body);
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON a route answers with (its 200 or 201 schema): `Json<'/v1/session', 'get'>`. */
export type Json<P extends keyof paths, M extends Method = 'get'> =
  paths[P] extends Record<M, infer Operation>
    ? Operation extends { responses: { 200: { content: { 'application/json': infer T } } } }
      ? T
      : Operation extends { responses: { 201: { content: { 'application/json': infer T } } } }
        ? T
        : never
    : never;
