import { builder } from './builder.js';

// Enums with a description on every value, written as `{ VALUE: 'what it means' }`.

/** An enum whose values resolve from the strings of their names (`'APPROVED'`). */
export function describedEnum<const K extends string>(name: string, description: string, values: Record<K, string>) {
  const described = Object.fromEntries(Object.entries<string>(values).map(([key, text]) => [key, { description: text }]));
  return builder.enumType(name, { description, values: described as Record<K, { description: string }> });
}

/** An enum whose values resolve from the lower-case strings of their names (`DATE_TIME` ← `'date_time'`). */
export function lowerCaseEnum<const K extends string>(name: string, description: string, values: Record<K, string>) {
  const described = Object.fromEntries(
    Object.entries<string>(values).map(([key, text]) => [key, { value: key.toLowerCase(), description: text }]),
  );
  return builder.enumType(name, { description, values: described as { [P in K]: { value: Lowercase<P>; description: string } } });
}
