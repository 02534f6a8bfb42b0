/**
 * Human labels for keys, after the SDK gem's `String#labelize`: split on `_`, `-`, spaces, digit
 * boundaries and camelCase/MIXEDCase boundaries; `id`, `uri`, `url` in capitals; words already in
 * capitals stay so; the first word capitalised, the rest lower case.
 * `first_name` and `firstName` → "First name", `org_id` → "Org ID", `userID` → "User ID",
 * `DateEstablished` → "Date established", `field1` → "Field 1", `HTMLBody` → "HTML body".
 */
export function labelize(key: string): string {
  const words = key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/(\d)([A-Za-z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean);
  if (words.length === 0) return key;
  return words
    .map((word, i) => {
      if (/^(id|uri|url)$/i.test(word)) return word.toUpperCase();
      if (word.length > 1 && word === word.toUpperCase() && /[A-Z]/.test(word)) return word;
      const lower = word.toLowerCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}
