import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { ErrorBox } from './error-box';

afterEach(cleanup);

describe('ErrorBox', () => {
  it("shows the server's code and message", () => {
    render(<ErrorBox error={ApiError.fromBody(403, { code: 'API_FORBIDDEN', message: 'Readers may not.' })} />);
    expect(screen.getByRole('alert').textContent).toContain('API_FORBIDDEN');
    expect(screen.getByRole('alert').textContent).toContain('Readers may not.');
  });

  it('turns bodies that are not API errors into a readable one', () => {
    expect(ApiError.fromBody(502, '<html>bad gateway</html>').code).toBe('HTTP_ERROR');
    expect(ApiError.fromBody(500, undefined).message).toBe('HTTP 500');
    expect(ApiError.of(new TypeError('Failed to fetch')).code).toBe('CLIENT_ERROR');
  });
});
