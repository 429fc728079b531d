import { afterEach, describe, expect, it } from 'vitest';
import { resolveTheme, setThemeChoice, themeChoice } from './theme';

afterEach(() => window.localStorage.clear());

describe('theme', () => {
  it('follows the system unless a choice was made', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('remembers the choice, and forgets it when back to system', () => {
    expect(themeChoice()).toBe('system');
    setThemeChoice('dark');
    expect(themeChoice()).toBe('dark');
    setThemeChoice('system');
    expect(themeChoice()).toBe('system');
    expect(window.localStorage.getItem('strata-theme')).toBeNull();
  });
});
