// Unsaved code is kept per browser tab in sessionStorage: a reload, or leaving the page and coming
// back, finds it again; another tab (or closing this one) does not. Nothing is sent to the server.
const PREFIX = 'registry.draft.';

export function readDraft<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeDraft(key: string, draft: unknown): void {
  try {
    sessionStorage.setItem(PREFIX + key, JSON.stringify(draft));
  } catch {
    // Storage full or refused: the prompt before leaving still protects the edit.
  }
}

export function clearDraft(key: string): void {
  sessionStorage.removeItem(PREFIX + key);
}
