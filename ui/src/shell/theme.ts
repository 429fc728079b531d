/**
 * Light and dark themes: the choice (light, dark, or following the system, the
 * default) is remembered in localStorage and applied as `data-theme` on <html>, where
 * shell.css swaps its CSS variables. Charts read the resolved theme through useTheme().
 */
import { useEffect, useSyncExternalStore } from 'react';

export type ThemeChoice = 'light' | 'dark' | 'system';
export type Theme = 'light' | 'dark';

const KEY = 'strata-theme';
const CHANGE = 'strata:theme';
const dark = () => window.matchMedia?.('(prefers-color-scheme: dark)');

export function themeChoice(): ThemeChoice {
  const stored = window.localStorage.getItem(KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

const current = (): Theme => resolveTheme(themeChoice(), dark()?.matches ?? false);

export function setThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') window.localStorage.removeItem(KEY);
  else window.localStorage.setItem(KEY, choice);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(onChange: () => void): () => void {
  const media = dark();
  media?.addEventListener('change', onChange);
  window.addEventListener(CHANGE, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    media?.removeEventListener('change', onChange);
    window.removeEventListener(CHANGE, onChange);
    window.removeEventListener('storage', onChange);
  };
}

/** The theme in effect; re-renders when the choice or the system's preference changes. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, current, () => 'light');
}

/** Keeps <html data-theme> in step (mounted once by the app). */
export function useApplyTheme(): Theme {
  const theme = useTheme();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}
