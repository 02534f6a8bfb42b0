export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The refusal inside a mutation result, in the shape the console shows. */
export function refusal(result: { readonly __typename: string; readonly code?: string; readonly message?: string; readonly detail?: string | null } | null | undefined) {
  if (!result || !result.code || !result.message) return null;
  return { code: result.code, message: result.detail && !result.message.includes(result.detail) ? `${result.message} ${result.detail}` : result.message };
}
