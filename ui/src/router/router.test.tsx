import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Link, navigate, pathWith, useLocation, useSearchParam } from './router';

function Probe() {
  const { pathname, search } = useLocation();
  const [version, setVersion] = useSearchParam('version');
  return (
    <div>
      <span data-testid="where">{`${pathname}?${search.toString()}`}</span>
      <span data-testid="version">{version ?? 'none'}</span>
      <button type="button" onClick={() => setVersion(3)}>
        v3
      </button>
      <button type="button" onClick={() => setVersion(null)}>
        clear
      </button>
      <Link to="/sql">SQL</Link>
    </div>
  );
}

beforeEach(() => window.history.replaceState(null, '', '/tables/main.sales?tab=history'));
afterEach(cleanup);

describe('router', () => {
  it('builds paths from params, dropping empty ones', () => {
    expect(pathWith('/tables/main.sales', { version: 3, q: null, empty: '' })).toBe('/tables/main.sales?version=3');
    expect(pathWith('/sql', {})).toBe('/sql');
  });

  it('keeps selections in the URL: setting one param keeps the others, and history follows', () => {
    render(<Probe />);
    expect(screen.getByTestId('version').textContent).toBe('none');
    fireEvent.click(screen.getByRole('button', { name: 'v3' }));
    expect(screen.getByTestId('where').textContent).toBe('/tables/main.sales?tab=history&version=3');
    expect(screen.getByTestId('version').textContent).toBe('3');
    fireEvent.click(screen.getByRole('button', { name: 'clear' }));
    expect(window.location.search).toBe('?tab=history');
    act(() => navigate('/flows/x?run=2'));
    expect(screen.getByTestId('where').textContent).toBe('/flows/x?run=2');
  });

  it('navigates in the page on a plain click of a Link', () => {
    render(<Probe />);
    const link = screen.getByRole('link', { name: 'SQL' });
    expect(link.getAttribute('href')).toBe('/sql');
    fireEvent.click(link);
    expect(window.location.pathname).toBe('/sql');
    expect(screen.getByTestId('where').textContent).toBe('/sql?');
  });
});
