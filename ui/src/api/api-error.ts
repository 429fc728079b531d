/**
 * An error answer of the API as the console shows it: the server's stable `code`, its
 * message (written for people) and details. Anything else (network down, a non-JSON
 * body) becomes one too, with a client-side code, so every error box has the same shape.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** From a failed response's parsed body (or whatever was read). */
  static fromBody(status: number, body: unknown): ApiError {
    if (typeof body === 'object' && body !== null && 'code' in body && 'message' in body) {
      const { code, message, details } = body as { code: unknown; message: unknown; details?: unknown };
      return new ApiError(
        status,
        String(code),
        String(message),
        typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
      );
    }
    const text = typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 500) : `HTTP ${status}`;
    return new ApiError(status, 'HTTP_ERROR', text);
  }

  static of(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ApiError(0, 'CLIENT_ERROR', message);
  }
}
