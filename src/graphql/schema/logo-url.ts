import { logoPath } from '../../domain/logos.js';
import type { GraphQLContext } from '../context.js';

/**
 * A logo's absolute URL: clients on other origins (and native apps) can load it as it is, and
 * normalized caches keep one string that works everywhere. Relative when no origin is known.
 */
export async function logoUrl(
  ctx: Pick<GraphQLContext, 'settings'>,
  logo: string | null,
  sha256: string | null,
): Promise<string | null> {
  const path = await logoPath(logo, sha256);
  return path && ctx.settings.publicOrigin ? ctx.settings.publicOrigin + path : path;
}
