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

/** Picks a theme for this browser; `null` follows the system's preference again. */
export function chooseTheme(theme: Theme | null): void {
  try {
    if (theme) localStorage.setItem(KEY, theme);
    else localStorage.removeItem(KEY);
  } catch {
    // Not remembered; applied for this page anyway.
  }
  apply();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => void listeners.delete(l);
}

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme);
}

/**
 * The header's theme picker. A select whose shown value says what it is ("Theme: dark"), not a
 * toggle labelled "Dark" that reads the same whether it is on or what pressing it does.
 */
export function ThemePicker() {
  const picked = useSyncExternalStore(subscribe, () => chosen() ?? 'system');
  return (
    <select
      className="theme-picker"
      aria-label="Theme"
      title={`The console's colours (the system's preference is ${media?.matches ? 'dark' : 'light'})`}
      value={picked}
      onChange={(e) => {
        const v = e.target.value;
        chooseTheme(v === 'light' || v === 'dark' ? v : null);
      }}
    >
      <option value="system">Theme: system</option>
      <option value="light">Theme: light</option>
      <option value="dark">Theme: dark</option>
    </select>
  );
}
