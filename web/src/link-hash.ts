// A private share link's secret travels in the URL fragment (`/install#link=…`), which no request
// carries: the install route reads it here, and follows it when another link is pasted in the tab.

/** The link token in the URL fragment ('' when there is none). */
export const linkInHash = () => new URLSearchParams(location.hash.slice(1)).get('link') ?? '';

/** Subscribes to fragment changes (for `useSyncExternalStore`). */
export const onHashChange = (notify: () => void) => {
  addEventListener('hashchange', notify);
  return () => removeEventListener('hashchange', notify);
};
