import { useEffect, useRef } from 'react';

/**
 * Asks before leaving a page with unsaved changes: closing or reloading the tab (`beforeunload`),
 * following a link inside the console, and Back/Forward (popstate, which the router would follow).
 * Installed once; each page with an edit registers whether it is dirty.
 */
const dirty = new Set<object>();
let installed = false;
let here = '';

export const LEAVE_QUESTION =
  'You have unsaved changes. Leave this page? (They stay as a draft in this tab until you save or discard them.)';

function anyDirty(): boolean {
  return dirty.size > 0;
}

function install(): void {
  if (installed) return;
  installed = true;
  here = location.pathname + location.search;
  window.addEventListener('beforeunload', (e) => {
    if (!anyDirty()) return;
    e.preventDefault();
    e.returnValue = '';
  });
  // Capture phase: runs before the router's own click handler on the link.
  document.addEventListener(
    'click',
    (e) => {
      if (
        !anyDirty() ||
        e.defaultPrevented ||
        e.button !== 0 ||
        e.metaKey ||
        e.ctrlKey ||
        e.shiftKey ||
        e.altKey
      )
        return;
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || a.target || a.origin !== location.origin) return;
      if (a.pathname + a.search === location.pathname + location.search) return;
      if (!window.confirm(LEAVE_QUESTION)) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    },
    true,
  );
  // Capture on window runs before the router's popstate listener, which it can then stop.
  window.addEventListener(
    'popstate',
    (e) => {
      const to = location.pathname + location.search;
      if (anyDirty() && to !== here && !window.confirm(LEAVE_QUESTION)) {
        e.stopImmediatePropagation();
        history.pushState(history.state, '', here);
        return;
      }
      here = to;
    },
    true,
  );
  // The router changes the address with pushState/replaceState: follow it for the popstate check.
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method].bind(history);
    history[method] = (...args: Parameters<History['pushState']>) => {
      original(...args);
      here = location.pathname + location.search;
    };
  }
}

/** While `isDirty`, leaving the page asks first. */
export function useLeaveGuard(isDirty: boolean): void {
  const token = useRef({});
  useEffect(() => {
    install();
    const t = token.current;
    if (isDirty) dirty.add(t);
    else dirty.delete(t);
    return () => void dirty.delete(t);
  }, [isDirty]);
}

/** Ctrl+S (Cmd+S on a Mac) runs `save` instead of the browser's "Save page as…". */
export function useSaveShortcut(save: () => void): void {
  const latest = useRef(save);
  latest.current = save;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        latest.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
