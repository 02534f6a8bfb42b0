import { fileTypeFromBuffer } from 'file-type';
import { InvalidInputError } from './errors.js';
import { LIMITS } from './limits.js';

/** Connector fields as a caller sends them (GraphQL input or REST body). */
export interface ConnectorFields {
  title?: string | null;
  logo?: string | null;
  description?: string | null;
  note?: string | null;
  code?: string | null;
}

const LOGO_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATA_URL = /^data:image\/[a-z+.-]+;base64,/i;

function field(name: keyof ConnectorFields) {
  return `input.${name}`;
}

/** JSON can carry lone surrogates (`"\ud800"`), which no UTF-8 text can hold. */
function wellFormed(value: string, name: keyof ConnectorFields): string {
  if (!value.isWellFormed()) {
    throw new InvalidInputError(
      `${name} is not valid UTF-8 text (it holds an unpaired surrogate).`,
      field(name),
    );
  }
  return value;
}

function text(
  value: string | null | undefined,
  name: keyof ConnectorFields,
  max: number,
): string | null | undefined {
  if (value == null) return value;
  wellFormed(value, name);
  if (value.length > max)
    throw new InvalidInputError(`${name} is longer than ${max} characters.`, field(name));
  return value;
}

/**
 * Control characters (C0, DEL, C1: tabs and line breaks included) and the invisible bidirectional
 * formatting characters (marks, embeddings, overrides such as U+202E, isolates) make a name display
 * as something else than it is: "Acme\u202Eevil" shows as "Acmelive", and a listing could pass as
 * another's. Names shown to other people (titles, listing apps and categories) refuse them.
 */
const DISPLAY_SPOOFING = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export function refuseDisplaySpoofing(
  value: string,
  path: string,
  name = path.replace(/^input\./, ''),
): string {
  const found = DISPLAY_SPOOFING.exec(value);
  if (found) {
    const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new InvalidInputError(
      `${name} must not hold control or bidirectional formatting characters (found U+${code}).`,
      path,
    );
  }
  return value;
}

export function checkTitle(value: string): string {
  const title = refuseDisplaySpoofing(wellFormed(value, 'title'), field('title')).trim();
  if (title.length === 0)
    throw new InvalidInputError('title is required and cannot be blank.', field('title'));
  if (title.length > LIMITS.titleChars) {
    throw new InvalidInputError(
      `title is longer than ${LIMITS.titleChars} characters.`,
      field('title'),
    );
  }
  return title;
}

export function checkCode(value: string): string {
  wellFormed(value, 'code');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > LIMITS.codeBytes) {
    throw new InvalidInputError(
      `code is ${bytes} bytes; the limit is ${LIMITS.codeBytes} (10 MB).`,
      field('code'),
    );
  }
  return value;
}

/** A logo is base64 of a real PNG, JPEG, GIF or WebP image; the bytes are checked, not the name. */
export async function checkLogo(value: string): Promise<string> {
  const b64 = value.replace(DATA_URL, '').replace(/\s+/g, '');
  if (!BASE64.test(b64))
    throw new InvalidInputError('logo must be base64-encoded image data.', field('logo'));
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw new InvalidInputError('logo is empty.', field('logo'));
  if (bytes.length > LIMITS.logoBytes) {
    throw new InvalidInputError(
      `logo is ${bytes.length} bytes; the limit is ${LIMITS.logoBytes}.`,
      field('logo'),
    );
  }
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !LOGO_TYPES.has(type.mime)) {
    throw new InvalidInputError('logo must be a PNG, JPEG, GIF or WebP image.', field('logo'));
  }
  return b64;
}

/**
 * Checks and normalises the fields that are present; absent (undefined) fields stay absent.
 * `null` clears an optional field; title and code cannot be cleared.
 */
export async function checkConnectorFields(input: ConnectorFields): Promise<ConnectorFields> {
  const out: ConnectorFields = {};
  if (input.title !== undefined) {
    if (input.title === null) throw new InvalidInputError('title cannot be null.', field('title'));
    out.title = checkTitle(input.title);
  }
  if (input.code !== undefined) {
    if (input.code === null) throw new InvalidInputError('code cannot be null.', field('code'));
    out.code = checkCode(input.code);
  }
  if (input.logo !== undefined)
    out.logo = input.logo === null || input.logo === '' ? null : await checkLogo(input.logo);
  if (input.description !== undefined)
    out.description = text(input.description, 'description', LIMITS.descriptionChars);
  if (input.note !== undefined) out.note = text(input.note, 'note', LIMITS.noteChars);
  return out;
}

/**
 * The path of the first string in `value` holding a NUL character, which PostgreSQL text cannot
 * hold at all. Both front doors check every incoming value with this before any domain code
 * runs, so a NUL in any argument is a clear input error rather than a database fault. (Unpaired
 * surrogates are refused field by field where text is stored; see `wellFormed`.)
 */
export function findUnstorableText(value: unknown, path = 'input', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found =
      findUnstorableText(key, `${path}.${key}`, depth + 1) ??
      findUnstorableText(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}
