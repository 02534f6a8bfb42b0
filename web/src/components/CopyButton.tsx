import { useEffect, useState } from 'react';

/** Copies `text` to the clipboard and says "Copied" on itself, where the person is looking. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<boolean | 'failed'>(false);
  useEffect(() => {
    if (copied === false) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      aria-live="polite"
      onClick={() =>
        void (navigator.clipboard?.writeText(text) ?? Promise.reject()).then(
          () => setCopied(true),
          () => setCopied('failed'),
        )
      }
    >
      {copied === true ? 'Copied' : copied === 'failed' ? 'Copy failed: select it instead' : label}
    </button>
  );
}
