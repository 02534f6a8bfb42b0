/** The image types the registry accepts, by the first bytes of their base64. */
const SIGNATURES: [string, string][] = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

/** An <img> source for a stored logo (base64 or a data: URL), or null. */
export function logoSrc(logo: string | null | undefined): string | null {
  if (!logo) return null;
  if (logo.startsWith('data:image/')) return logo;
  const type = SIGNATURES.find(([prefix]) => logo.startsWith(prefix))?.[1];
  return type ? `data:${type};base64,${logo}` : null;
}

/** Reads an uploaded file as a data: URL (what the API's `logo` accepts). */
export function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'));
    reader.readAsDataURL(file);
  });
}
