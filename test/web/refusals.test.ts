import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType } from 'graphql';
import { expect, it } from 'vitest';
import { REFUSALS, refusalText } from '../../web/src/refusals.js';

/**
 * The console's sentences for refusals (web/src/refusals.ts): every `ErrorCode` the schema has
 * must have one, so a new code cannot ship to the console as a bare code. Its words are for
 * people: no codes, no API spellings (`resolve: OURS`), no parser or network jargon.
 */
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const codes = (() => {
  const type = schema.getType('ErrorCode');
  if (!isEnumType(type)) throw new Error('schema.graphql has no ErrorCode enum');
  return type.getValues().map((v) => v.name);
})();

it('has a sentence for every ErrorCode of the schema, and none for codes that do not exist', () => {
  expect(Object.keys(REFUSALS).sort()).toEqual([...codes].sort());
});

it('words every sentence for people', () => {
  for (const [code, sentence] of Object.entries(REFUSALS)) {
    expect(sentence, code).toMatch(/^[A-Z].*[.!]$/);
    expect(sentence, code).not.toMatch(
      /[A-Z]{2,}_[A-Z]+|\bOURS\b|\bTHEIRS\b|part\(s\)|\(s\)|ENOTFOUND|Expected|ValueExpected|`/,
    );
  }
});

it('shows the sentence, not the API message, except where the message names what to fix', () => {
  expect(
    refusalText(
      'MERGE_CONFLICT',
      "1 part(s) of the parent's update overlap changes made to this copy; nothing was written. Retry with resolve: OURS or THEIRS for those parts.",
    ),
  ).toBe(REFUSALS.MERGE_CONFLICT);
  expect(
    refusalText(
      'VERSION_CONFLICT',
      'Expected latest version 2 but the connector is at version 3; fetch it and retry.',
    ),
  ).toBe(REFUSALS.VERSION_CONFLICT);
  expect(
    refusalText(
      'CODE_HAS_ERRORS',
      'Fix code errors before releasing the connector: x',
      'Line 3: unexpected end',
    ),
  ).toBe(`${REFUSALS.CODE_HAS_ERRORS} Line 3: unexpected end`);
  expect(refusalText('INVALID_INPUT', 'Title must be 1 to 200 characters.')).toBe(
    'Title must be 1 to 200 characters.',
  );
});
