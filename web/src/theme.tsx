import { useSyncExternalStore } from 'react';

// Light or dark: the system's preference (prefers-color-scheme) until the person picks one with the
// header's toggle; the pick is remembered for this browser (localStorage holds only "light"/"dark").
export type Theme = 'light' | 'dark';
const KEY = 'registry.theme';
const listeners = new Set<() => void>();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

function chosen(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

export function currentTheme(): Theme {
  return chosen() ?? (media?.matches ? 'dark' : 'light');
}

function apply(): void {
  document.documentElement.dataset.theme = currentTheme();
  for (const l of listeners) l();
}

/** Sets <html data-theme> now (before the first render) and follows the system while nothing is chosen. */
export function initTheme(): void {
  apply();
  media?.addEventListener('change', apply);
}

export function chooseTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Not remembered; applied for this page anyway.
  }
  apply();
}

export function useTheme(): Theme {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, currentTheme);
}

/** The header's switch between the light and dark themes. */
export function ThemeToggle() {
  const theme = useTheme();
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label="Dark mode"
      aria-pressed={theme === 'dark'}
      onClick={() => chooseTheme(theme === 'dark' ? 'light' : 'dark')}
    >
      Dark<span className="wide-only"> mode</span>
    </button>
  );
}
