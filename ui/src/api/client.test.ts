import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** The client module with fetch replaced (openapi-fetch takes fetch when the client is made). */
async function clientWith(answer: (request: Request) => Response) {
  const seen: Request[] = [];
  vi.stubGlobal('fetch', async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(input, window.location.origin), init);
    seen.push(request);
    return answer(request);
  });
  return { client: await import('./client'), seen };
}

describe('typed client', () => {
  it('sends the CSRF token on state changes only, once the session gave one', async () => {
    const { client, seen } = await clientWith(() => Response.json({ tokens: [] }));
    await client.call(client.api.GET('/v1/admin/tokens'));
    client.setCsrfToken('csrf-1');
    await client.call(client.api.GET('/v1/admin/tokens'));
    await client.call(client.api.POST('/v1/admin/tokens', { body: { name: 'x', role: 'reader' } }));
    expect(seen.map((r) => [r.method, r.headers.get('x-strata-csrf')])).toEqual([
      ['GET', null],
      ['GET', null],
      ['POST', 'csrf-1'],
    ]);
  });

  it("throws the server's error as an ApiError with its code, message and details", async () => {
    const { client } = await clientWith(() =>
      Response.json(
        { code: 'API_FORBIDDEN', message: 'Readers may not.', details: { role: 'reader' } },
        { status: 403 },
      ),
    );
    const error = await client.call(client.api.GET('/v1/admin/tokens')).catch((e: unknown) => e);
    // The module registry was reset for the stub: the class is the one the client module loaded.
    const { ApiError } = await import('./api-error');
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 403,
      code: 'API_FORBIDDEN',
      message: 'Readers may not.',
      details: { role: 'reader' },
    });
    const raw = await client.apiFetch('/v1/sql/export').catch((e: unknown) => e);
    expect(raw).toMatchObject({ status: 403, code: 'API_FORBIDDEN' });
  });
});
