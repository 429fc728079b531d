/** Cycles the theme choice: system → light → dark → system. */
import { useState } from 'react';
import { setThemeChoice, themeChoice, type ThemeChoice } from './theme';

const NEXT: Readonly<Record<ThemeChoice, ThemeChoice>> = { system: 'light', light: 'dark', dark: 'system' };

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(themeChoice);
  const change = () => {
    const next = NEXT[choice];
    setThemeChoice(next);
    setChoice(next);
  };
  return (
    <button type="button" onClick={change} aria-label={`Theme: ${choice} (change)`} title="Change the theme">
      {choice === 'system' ? 'Auto' : choice === 'light' ? 'Light' : 'Dark'}
    </button>
  );
}
