import { fileTypeFromBuffer } from 'file-type';
import type { PrismaClient } from '../db/database.js';

/** The image types a logo may be (input.ts accepts only these), by URL extension. */
const TYPES: Record<string, { ext: string; mime: string }> = {
  'image/png': { ext: 'png', mime: 'image/png' },
  'image/jpeg': { ext: 'jpg', mime: 'image/jpeg' },
  'image/gif': { ext: 'gif', mime: 'image/gif' },
  'image/webp': { ext: 'webp', mime: 'image/webp' },
};

/** The type of a stored (base64) logo, read from its first bytes. */
export async function logoType(base64: string): Promise<{ ext: string; mime: string } | null> {
  const head = Buffer.from(base64.slice(0, 64), 'base64');
  const type = await fileTypeFromBuffer(head);
  return (type && TYPES[type.mime]) ?? null;
}

/**
 * The content-addressed path of a logo, `/logos/<sha256>.<ext>`: GraphQL hands this out instead
 * of the base64 bytes, so clients fetch each image once and cache it for good.
 */
export async function logoPath(logo: string | null, sha256: string | null): Promise<string | null> {
  if (logo == null || sha256 == null) return null;
  const type = await logoType(logo);
  return type ? `/logos/${sha256}.${type.ext}` : null;
}

/** The image bytes and type of the logo with this digest and extension, or null. */
export async function findLogo(
  prisma: PrismaClient,
  sha256: string,
  ext: string,
): Promise<{ bytes: Buffer; mime: string } | null> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
  const row = await prisma.connector.findFirst({
    where: { logoSha256: sha256 },
    select: { logo: true },
  });
  if (row?.logo == null) return null;
  const type = await logoType(row.logo);
  if (!type || type.ext !== ext) return null;
  return { bytes: Buffer.from(row.logo, 'base64'), mime: type.mime };
}
