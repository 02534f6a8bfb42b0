import { refusalText } from './refusals';

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

interface PayloadError {
  readonly code: string;
  readonly message: string;
  readonly detail?: string | null;
  readonly field?: readonly string[] | null;
}

/** The first refusal of a mutation payload (`userErrors`), in the words the console shows; null when it succeeded. */
export function refusal(
  payload: { readonly userErrors?: readonly PayloadError[] } | null | undefined,
) {
  const e = payload?.userErrors?.[0];
  if (!e) return null;
  return {
    code: e.code,
    message: refusalText(e.code, e.message, e.detail),
    field: e.field ?? null,
  };
}

const englishPlurals = new Intl.PluralRules('en');

/** A count with its noun in the right number: `counted(1, 'install')` is "1 install", `counted(2, 'install')` "2 installs". */
export function counted(n: number, one: string, other = `${one}s`): string {
  return `${n} ${englishPlurals.select(n) === 'one' ? one : other}`;
}
